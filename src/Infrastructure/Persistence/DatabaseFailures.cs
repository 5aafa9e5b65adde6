using CleanUser.Application.Common.Exceptions;
using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.Extensions.Logging;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// Database failures that mean "try again later" (docs/security.md#infrastructure-failures). Which driver errors they
/// are is the provider's to say (<see cref="IDatabaseProvider.IsUnavailable"/>); this is what every one of them becomes:
/// <see cref="ServiceUnavailableException"/> — 503 with <c>Retry-After</c> — and one warning for the operator. The
/// unit of work turns failed commands into it; the exception handler what fails outside a command (reads).
/// </summary>
public static partial class DatabaseFailures
{
    public static ServiceUnavailableException Unavailable(Exception cause, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(cause);
        LogUnavailable(logger, cause);
        return new ServiceUnavailableException("The database cannot serve the request right now; try again later.", cause);
    }

    /// <summary>
    /// <paramref name="exception"/> and what it wraps: EF Core reports a driver's error inside
    /// <c>DbUpdateException</c>, and after its last retry inside <c>RetryLimitExceededException</c>.
    /// </summary>
    internal static IEnumerable<Exception> AndCauses(this Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The database cannot serve requests right now; answering 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}

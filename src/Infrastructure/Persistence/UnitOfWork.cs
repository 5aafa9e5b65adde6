using System.Data.Common;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Configurations;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// One transaction per command, and the domain events of what it saved, published only once the
/// transaction has committed (never for a change that rolled back).
/// </summary>
public sealed partial class UnitOfWork(CleanUserDbContext db, IMediator mediator, ILogger<UnitOfWork> logger) : IUnitOfWork
{
    private readonly List<IDomainEvent> _committing = [];

    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        var raised = db.ChangeTracker.Entries<User>().SelectMany(e => e.Entity.DomainEvents).ToList();
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException exception)
        {
            throw new ConcurrencyConflictException(exception);
        }
        catch (DbUpdateException exception) when (IsUsernameTaken(exception))
        {
            // Two requests passed the uniqueness check at once; the index let one win.
            throw new UsernameAlreadyTakenException();
        }

        foreach (var entry in db.ChangeTracker.Entries<User>())
        {
            entry.Entity.ClearDomainEvents();
        }

        _committing.AddRange(raised);
        if (db.Database.CurrentTransaction is null)
        {
            await PublishCommittedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<T> ExecuteInTransactionAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (db.Database.CurrentTransaction is not null)
        {
            return await operation(cancellationToken).ConfigureAwait(false);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async ct =>
        {
            // Every attempt starts from what the database holds now, not from a previous attempt's entities.
            db.ChangeTracker.Clear();
            _committing.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            try
            {
                var value = await operation(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return value;
            }
            catch
            {
                _committing.Clear();
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);

        await PublishCommittedAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task PublishCommittedAsync(CancellationToken cancellationToken)
    {
        var events = _committing.ToList();
        _committing.Clear();
        foreach (var domainEvent in events)
        {
            try
            {
                await mediator.Publish(DomainEventNotification.For(domainEvent), cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The change has committed; a failing handler must not turn it into an error response.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogPublishFailed(logger, exception, domainEvent.GetType().Name);
            }
        }
    }

    private static bool IsUsernameTaken(DbUpdateException exception) =>
        exception.InnerException is DbException inner &&
        (inner.Message.Contains(UserConfiguration.NormalizedUsernameIndex, StringComparison.Ordinal) ||
         inner.Message.Contains("Users." + UserConfiguration.NormalizedUsername, StringComparison.Ordinal));

    [LoggerMessage(LogLevel.Error, "Delivering {DomainEvent} after commit failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string domainEvent);
}

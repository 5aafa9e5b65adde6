using System.Text.Json;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Persistence;
using CleanUser.WebApi.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Health;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is reachable and has every migration
/// of its provider applied, and the media folder is writable — 503 otherwise. No auth; they don't go through
/// MediatR, so they add nothing to the request log.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    private static readonly TimeSpan DatabaseCheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            // Bounded: on PostgreSQL the execution strategy retries a connection that fails, and a probe must not
            // wait for all of that to learn the database is not there.
            .AddCheck<DatabaseReadyCheck>("database", tags: [Ready], timeout: DatabaseCheckTimeout)
            .AddCheck<MediaStorageWritableCheck>("media_storage", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            Status = report.Status.ToString(),
            Checks = report.Entries.Select(e => new { Name = e.Key, Status = e.Value.Status.ToString(), e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, WireJson.Options));
    }
}

public sealed class DatabaseReadyCheck(CleanUserDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return HealthCheckResult.Unhealthy("The database cannot be reached.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Reachable and up to date.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied.");
        }
#pragma warning disable CA1031 // Any failure to reach the database means "not ready", never a 500.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.", exception);
        }
    }
}

public sealed class MediaStorageWritableCheck(IOptions<MediaOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(options.Value.Root, $".health-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(options.Value.Root);
            await File.WriteAllBytesAsync(probe, [1], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
            return HealthCheckResult.Healthy("Writable.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("The media folder is not writable.", exception);
        }
    }
}

using System.Text.Json;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
using CleanUser.WebApi.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CleanUser.WebApi.Health;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is reachable, has every migration of
/// its provider applied and takes writes, and the media folder is writable (or the S3 bucket is there) — 503 otherwise
/// (docs/operations.md#health). No auth; they don't go through MediatR, so they add nothing to the request log.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            // Bounded: on PostgreSQL the execution strategy retries a connection that fails, as the S3 client does, and a
            // probe must not wait for all of that to learn the database or the store is not there.
            .AddCheck<DatabaseReadyCheck>("database", tags: [Ready], timeout: CheckTimeout)
            // The store Media:Provider chose: the local folder takes a write, the S3 bucket is there.
            .Add(new HealthCheckRegistration("media_storage",
                provider => provider.GetRequiredService<IMediaStorage>() is S3MediaStorage s3
                    ? new S3BucketReadyCheck(s3)
                    : ActivatorUtilities.CreateInstance<MediaStorageWritableCheck>(provider),
                failureStatus: null, tags: [Ready], timeout: CheckTimeout));
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

public sealed class DatabaseReadyCheck(CleanUserDbContext db, IDatabaseProvider provider) : IHealthCheck
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
            if (pending.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied.");
            }

            // Reachable is not enough: a full disk or a read-only file still answers reads, and refuses every write.
            return await provider.TakesWritesAsync(db.Database, cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("Reachable, up to date and taking writes.")
                : HealthCheckResult.Unhealthy("The database takes no writes (read-only, full or locked).");
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
    private static readonly byte[] ProbeContent = [1];

    /// <summary>
    /// Writes a probe file, reads it back and deletes it — whatever failed: a full disk lets the file be created and
    /// refuses its byte, and the empty file must not stay behind.
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(options.Value.Root, $".health-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(options.Value.Root);
            await File.WriteAllBytesAsync(probe, ProbeContent, cancellationToken).ConfigureAwait(false);
            return (await File.ReadAllBytesAsync(probe, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(ProbeContent)
                ? HealthCheckResult.Healthy("Writable.")
                : HealthCheckResult.Unhealthy("The media folder does not keep what is written to it.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("The media folder is not writable.", exception);
        }
        finally
        {
            Delete(probe);
        }
    }

    private static void Delete(string probe)
    {
        try
        {
            File.Delete(probe);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done here about a folder that refuses even a removal.
        }
    }
}

/// <summary>A HEAD of the bucket: it is there and the credentials may use it. Nothing is written, so nothing stays behind.</summary>
public sealed class S3BucketReadyCheck(S3MediaStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await storage.WhyNotReadyAsync(cancellationToken).ConfigureAwait(false) is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy("The bucket is there.");
}

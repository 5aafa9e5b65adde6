using CleanUser.Application.Audit;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Audit;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Idempotency;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
using CleanUser.Infrastructure.Time;
using CleanUser.Infrastructure.Users;
using CleanUser.Infrastructure.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure;

public static class DependencyInjection
{
    /// <param name="contentRoot">Where relative data paths (the SQLite file, the media folder) live.</param>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration,
        string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Read when first needed rather than now, so hosts and tests can still override the configuration.
        services.AddSingleton(provider => DatabaseConfiguration.CreateProvider(provider.GetRequiredService<IConfiguration>(), contentRoot));
        services.AddSingleton<OutboxInterceptor>();
        services.AddSingleton<AuditInterceptor>();
        // The options are built once (a singleton): configuring them for every request, and EF then finding its internal
        // services by comparing them, was a tenth of a GET's time (docs/benchmarks.md). Hosts and tests can still add
        // to them with ConfigureDbContext<CleanUserDbContext>.
        services.AddDbContext<CleanUserDbContext>((provider, options) =>
        {
            provider.GetRequiredService<IDatabaseProvider>().Configure(options);
            options.AddInterceptors(provider.GetRequiredService<OutboxInterceptor>(), provider.GetRequiredService<AuditInterceptor>());
        }, optionsLifetime: ServiceLifetime.Singleton);
        // Everything injects CleanUserDbContext, rented from a pool for the request's scope: a new context would set up
        // its internal services again (~40 KB per request, most of what a GET allocates — docs/benchmarks.md). Each
        // database has its own context type, for its own migrations, so the provider makes the pool. The audit trail
        // learns from the scope who makes the changes the rented context saves (AuditInterceptor).
        services.AddSingleton(provider => new ContextPool(provider.GetRequiredService<IDatabaseProvider>()
            .CreateContextPool(provider.GetRequiredService<DbContextOptions<CleanUserDbContext>>())));
        services.Replace(ServiceDescriptor.Scoped(provider => provider.GetRequiredService<AuditInterceptor>()
            .Attach(provider.GetRequiredService<ContextPool>().Rent(), provider.GetRequiredService<ChangeOrigin>())));
        // The ports hand out the scope's one instance through transient forwards. A scoped forward is kept in the scope a
        // second time: IUnitOfWork's, scoped, added 1.7 KB to every GET (PatchPipelineBenchmarks.Get_user, docs/benchmarks.md).
        services.AddScoped<UserRepository>();
        services.AddTransient<IUserRepository>(p => p.GetRequiredService<UserRepository>());
        services.AddTransient<IUsernameUniquenessChecker>(p => p.GetRequiredService<UserRepository>());
        services.AddScoped<IUserReader, UserReader>();
        services.AddScoped<UnitOfWork>();
        services.AddTransient<IUnitOfWork>(p => p.GetRequiredService<UnitOfWork>());
        services.AddScoped<DatabaseInitializer>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IClock, SystemClock>();

        services.AddOptions<UsersOptions>().Bind(configuration.GetSection(UsersOptions.Section));
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<UsersOptions>>().Value.Reserved());
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<UsersOptions>>().Value.Policy());

        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.Section))
            .PostConfigure(o =>
            {
                o.Root = Path.GetFullPath(o.Root, contentRoot);
                o.EnsureUsable();
            })
            .Validate(o => o is { MaxConcurrentProcessing: >= 1, MaxQueuedProcessing: >= 0 },
                "Media:MaxConcurrentProcessing must be at least 1 and Media:MaxQueuedProcessing at least 0.");
        services.TryAddScoped<IMediaUrls, ConfiguredMediaUrls>();
        // Hosts add metrics already; a plain container (an internal module, a test) gets them here. Idempotent.
        services.AddMetrics();
        services.AddSingleton<ImageMetrics>();
        services.AddSingleton<Observability.CleanUserMetrics>();
        services.AddSingleton<ImageProcessingSlots>();
        services.AddSingleton<IImageProcessor, SkiaImageProcessor>();
        // docs/images.md#storage: Media:Provider picks the store when it is first needed, as the database provider is.
        services.AddSingleton<IMediaStorage>(provider =>
            provider.GetRequiredService<IOptions<MediaOptions>>().Value.Provider is MediaProvider.S3
                ? ActivatorUtilities.CreateInstance<S3MediaStorage>(provider)
                : ActivatorUtilities.CreateInstance<LocalDiskMediaStorage>(provider));

        // The outbox: rows written with every save (OutboxInterceptor), delivered by a hosted dispatcher (docs/adr/0005-outbox.md).
        // The dispatcher is always registered and reads Outbox:Enabled when it starts, so tests and hosts can
        // still switch it off through configuration.
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddScoped<CurrentOutboxMessage>();

        // Webhooks: fanned out from the outbox, sent by a dispatcher of their own (docs/adr/0020-webhooks.md).
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o is { TimeoutSeconds: > 0, RetryBaseSeconds: > 0, RetentionDays: >= 0 },
                "Webhooks:TimeoutSeconds and Webhooks:RetryBaseSeconds must be positive, Webhooks:RetentionDays at least 0.").ValidateOnStart();
        services.AddKeyedSingleton<OutboxSignal>(WebhookDispatcher.SignalKey);
        services.AddScoped<WebhookDeliveries>();
        services.AddSingleton<RoundEndpoints>();
        services.AddScoped<WebhookEndpoints>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDispatcher>();
        // docs/security.md#webhooks: redirects are failures, never followed; the client's own request logs are off (the
        // sender logs outcomes by endpoint id).
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
            {
                client.Timeout = provider.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CleanUser-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();

        // Idempotency-Key: claimed, stored with the change, expired in the background (docs/adr/0016-idempotent-writes.md).
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section))
            .Validate(o => o.RetentionHours > 0, "Idempotency:RetentionHours must be at least 1.").ValidateOnStart();
        services.AddScoped<IdempotencyKeys>();
        services.AddHostedService<IdempotencyKeyExpiry>();

        // The audit trail: entries written with every change (AuditInterceptor), old ones deleted in the background
        // (docs/adr/0019-audit-trail.md).
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).PostConfigure(o => o.EnsureUsable());
        services.AddScoped<IAuditTrail, AuditTrail>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditRetention>());

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<AccessTokens>();
        return services;
    }
}

/// <summary>The pool the scoped <see cref="CleanUserDbContext"/> is rented from; the scope's end gives it back.</summary>
internal sealed record ContextPool(Func<CleanUserDbContext> Rent);


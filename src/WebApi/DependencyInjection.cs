using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Identity;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.Observability;
using CleanUser.WebApi.Webhooks;
using MediatR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanUser.WebApi;

public static class DependencyInjection
{
    /// <summary>docs/api.md#images: the whole request body is capped.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024 * 1024;

    public static IServiceCollection AddWebApi(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddHttpContextAccessor();
        services.AddSingleton<KnownUsers>();
        services.Replace(ServiceDescriptor.Scoped<IMediaUrls, HttpMediaUrls>());
        services.ConfigureHttpJsonOptions(o => WireJson.Configure(o.SerializerOptions));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            // docs/security.md#http-hygiene: no Server header naming the software.
            o.AddServerHeader = false;
        });
        services.AddRateLimits();
        services.AddObservability(configuration);
        services.AddHttpHygiene(configuration);
        services.AddOptions<Users.JsonPatchOptions>().BindConfiguration(Users.JsonPatchOptions.Section);
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section)
            .Validate(o => o is { TrimAboveMiB: >= 0, CheckSeconds: >= 1 }, "Memory:TrimAboveMiB must be 0 or more and Memory:CheckSeconds 1 or more.").ValidateOnStart();
        services.AddHostedService<MemoryTrimmer>();
        services.AddSingleton<Users.LargeBodySlots>();
        // The user.updated fan-out renders the user in the wire format, so it is registered here (docs/adr/0020-webhooks.md).
        services.AddScoped<INotificationHandler<DomainEventNotification<UserUpdated>>, UserUpdatedWebhook>();

        // docs/api.md#configuration: a random key of the data folder in Development, a clear start-up error anywhere else.
        services.PostConfigure<AuthOptions>(o => o.EnsureUsable(environment.IsDevelopment(), environment.ContentRootPath));
        return services;
    }
}

using System.Globalization;
using CleanUser.Application.Common.Exceptions;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// docs/security.md#http-hygiene: what every response carries or leaves out, the request timeout, and cross-origin
/// access. The reference page's own policy is in <see cref="OpenApi.OpenApiSetup"/>.
/// </summary>
public static class HttpHygiene
{
    /// <summary>docs/api.md#configuration: <c>Http:RequestTimeoutSeconds</c>; 0 turns the timeout off.</summary>
    private const string RequestTimeoutKey = "Http:RequestTimeoutSeconds";

    private const int DefaultRequestTimeoutSeconds = 30;

    /// <summary>docs/api.md#cors: an array, or one string of origins separated by <c>;</c>.</summary>
    private const string AllowedOriginsKey = "Cors:AllowedOrigins";

    /// <summary>What the official client and a browser app send: credentials, the body's type, conditional requests.</summary>
    private static readonly string[] CorsRequestHeaders =
        [HeaderNames.Authorization, HeaderNames.ContentType, HeaderNames.IfMatch, HeaderNames.IfNoneMatch, HeaderNames.Accept, HeaderNames.AcceptLanguage];

    /// <summary>What a browser app may read beyond the safelisted headers.</summary>
    private static readonly string[] CorsExposedHeaders =
        [HeaderNames.ETag, HeaderNames.RetryAfter, RateLimits.PolicyHeader, RateLimits.StateHeader, Users.UserEndpoints.AcceptPatchHeader, HeaderNames.WWWAuthenticate];

    public static IServiceCollection AddHttpHygiene(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // ASP.NET Core puts host filtering (AllowedHosts) in front of everything, where a refused host gets an HTML page.
        // It runs in UseHttpHygiene instead, after the error handlers, so that 400 carries the problem body.
        var hostFilteringFirst = services.SingleOrDefault(d =>
            d.ServiceType == typeof(IStartupFilter) && d.ImplementationType?.Name == "HostFilteringStartupFilter");
        if (hostFilteringFirst is not null)
        {
            services.Remove(hostFilteringFirst);
        }

        services.Configure<HostFilteringOptions>(o => o.IncludeFailureMessage = false);
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure(options =>
        {
            var seconds = configuration.GetValue(RequestTimeoutKey, DefaultRequestTimeoutSeconds);
            if (seconds < 0)
            {
                throw new InvalidOperationException($"{RequestTimeoutKey} must be 0 (off) or more, not {seconds}.");
            }

            options.DefaultPolicy = seconds == 0 ? null : new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(seconds),
                TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
                // The request was cancelled and its transaction rolled back; the answer is the one every "try again
                // later" failure gets, from the one exception mapper (503 service_unavailable with Retry-After).
                WriteTimeoutResponse = _ => throw new ServiceUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"The request took longer than {seconds} seconds and was cancelled; nothing was changed.")),
            };
        });

        var origins = AllowedOrigins(configuration);
        if (origins.Length > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins)
                .WithMethods(HttpMethods.Get, HttpMethods.Head, HttpMethods.Patch, HttpMethods.Put)
                .WithHeaders(CorsRequestHeaders)
                .WithExposedHeaders(CorsExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }

        return services;
    }

    /// <summary>
    /// Outermost after the error handlers: <c>nosniff</c> on every response (set as it starts, so an error that
    /// cleared the headers gets it too), host filtering, HSTS outside Development, CORS when origins are configured,
    /// the timeout.
    /// </summary>
    public static WebApplication UseHttpHygiene(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseHostFiltering();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        if (AllowedOrigins(app.Configuration).Length > 0)
        {
            app.UseCors();
        }

        app.UseRequestTimeouts();
        return app;
    }

    /// <summary>
    /// docs/api.md#endpoints: HEAD wherever GET works. The endpoint runs as for GET, so the headers are the same;
    /// the server sends no body for HEAD.
    /// </summary>
    public static TBuilder AllowHead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            // The last method metadata is the one routing matches on.
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }

    private static string[] AllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection(AllowedOriginsKey);
        return section.Get<string[]>()
               ?? section.Value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
               ?? [];
    }
}

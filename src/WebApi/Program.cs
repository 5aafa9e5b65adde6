using CleanUser.Application;
using CleanUser.Infrastructure;
using CleanUser.Infrastructure.Audit;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Persistence;
using CleanUser.WebApi;
using CleanUser.WebApi.Audit;
using CleanUser.WebApi.Cli;
using CleanUser.WebApi.Health;
using CleanUser.WebApi.OpenApi;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.Media;
using CleanUser.WebApi.Observability;
using CleanUser.WebApi.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

MemoryTrimmer.ConfigureNativeAllocator();
var builder = WebApplication.CreateBuilder(args);
builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration, builder.Environment.ContentRootPath)
    .AddWebApi(builder.Configuration, builder.Environment)
    .AddReadinessChecks()
    .AddApiDocument();
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls(StartupHints.DefaultUrl);
}

var app = builder.Build();

// Stop here, before anything listens, when Auth:SigningKey is missing outside Development, the username policy or the
// audit retention has a negative number of days, the database settings cannot work (an unknown Database:Provider,
// PostgreSQL without a connection string), or the media store's (S3 without a bucket or a public base URL). To serve,
// also the HTTP settings: rate limits, the request timeout, and — outside Development — a trusted base for image URLs.
try
{
    _ = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
    _ = app.Services.GetRequiredService<CleanUser.Domain.Users.UsernamePolicy>();
    _ = app.Services.GetRequiredService<IOptions<CleanUser.Infrastructure.Media.MediaOptions>>().Value;
    _ = app.Services.GetRequiredService<IOptions<AuditOptions>>().Value;
    DatabaseConfiguration.Validate(app.Configuration, app.Environment.ContentRootPath);
    if (!OperatorCommands.IsVerb(args))
    {
        _ = app.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<RequestTimeoutOptions>>().Value;
        HttpMediaUrls.EnsureTrustedBase(app.Services, app.Environment);
    }
}
catch (InvalidOperationException exception)
{
    await Console.Error.WriteLineAsync($"CleanUser cannot start: {exception.Message}");
    return 1;
}

if (OperatorCommands.IsVerb(args))
{
    return await OperatorCommands.RunAsync(app.Services, args, Console.Out, Console.Error);
}

// Nor when the database cannot be reached or migrated: one line saying so, not an unhandled-exception dump.
if (await DatabaseStartup.PrepareAsync(app.Services, seedDemo: app.Environment.IsDevelopment(), Console.Error) is false)
{
    return 1;
}

app.UseExceptionHandler();
app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
app.UseHttpHygiene();
// The API: rate-limit fields on every response, the failed-authentication limit around authentication, then the
// limits that need the caller (docs/api.md#rate-limits).
app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase),
    api => api
        .UseRateLimitFields()
        .UseFailedAuthenticationLimit()
        .UseMiddleware<CallerMiddleware>()
        .UseRateLimiter()
        .UseChangeOrigin());
app.MapUserEndpoints();
app.MapHealthEndpoints();
app.MapApiDocument();
app.MapMediaEndpoints();
app.MapMetrics();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
    StartupHints.Print(app, addresses?.FirstOrDefault() ?? StartupHints.DefaultUrl);
});

await app.RunAsync();
return 0;

/// <summary>Lets functional tests start the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

using CleanUser.Application;
using CleanUser.Infrastructure;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Persistence;
using CleanUser.WebApi;
using CleanUser.WebApi.Cli;
using CleanUser.WebApi.Health;
using CleanUser.WebApi.OpenApi;
using CleanUser.WebApi.Infrastructure;
using CleanUser.WebApi.Media;
using CleanUser.WebApi.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration, builder.Environment.ContentRootPath)
    .AddWebApi(builder.Environment)
    .AddReadinessChecks()
    .AddApiDocument();
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls(StartupHints.DefaultUrl);
}

var app = builder.Build();

// Stop here, before anything listens, when Auth:SigningKey is missing outside Development.
try
{
    _ = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
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

await using (var scope = app.Services.CreateAsyncScope())
{
    var database = scope.ServiceProvider.GetRequiredService<DatabaseInitializer>();
    await database.MigrateAsync(CancellationToken.None);
    if (app.Environment.IsDevelopment())
    {
        await database.SeedDemoCommunityAsync(CancellationToken.None);
    }
}

app.UseExceptionHandler();
app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase),
    api => api.UseMiddleware<CallerMiddleware>());
app.MapUserEndpoints();
app.MapHealthEndpoints();
app.MapApiDocument();
app.MapMediaEndpoints();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
    StartupHints.Print(app, addresses?.FirstOrDefault() ?? StartupHints.DefaultUrl);
});

await app.RunAsync();
return 0;

/// <summary>Lets functional tests start the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

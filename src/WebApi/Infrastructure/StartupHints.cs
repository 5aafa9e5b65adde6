using CleanUser.Infrastructure.Identity;

namespace CleanUser.WebApi.Infrastructure;

/// <summary>
/// After start in Development: how to try the API, with a freshly minted demo token. Written to the
/// console, not to the log, so tokens never reach log sinks (docs/api.md#authentication).
/// </summary>
public static class StartupHints
{
    public const string DefaultUrl = "http://localhost:5080";

    public static void Print(WebApplication app, string address)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            Console.WriteLine($"CleanUser is listening on {address}. Mint a token with: dotnet run --project src/WebApi -- token USER_ID");
            return;
        }

        var baseUrl = address.Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
        var token = app.Services.GetRequiredService<AccessTokens>().Issue(1);
        // Where the key came from, never the key itself: docs/api.md#configuration.
        var key = string.IsNullOrEmpty(app.Configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.SigningKey)}"])
            ? $"this folder's development key, {Path.GetFullPath(DevelopmentSigningKey.RelativePath, app.Environment.ContentRootPath)}"
            : "Auth:SigningKey";
        Console.WriteLine($"""

            CleanUser is listening on {baseUrl} (demo users: 1 alice, 2 bob, 3 carol, 4 dave — blocked).
            Try it — change alice's bio:

            curl -i -X PATCH {baseUrl}/api/v2/user/1/ -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' -d '{"{"}"bio": "Hello from CleanUser"{"}"}'

            Read her back: curl {baseUrl}/api/v2/user/1/
            Another token: dotnet run --project src/WebApi -- token 2 (tokens are signed with {key})

            """);
    }
}

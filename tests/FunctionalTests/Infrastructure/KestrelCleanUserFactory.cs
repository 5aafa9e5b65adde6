using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Infrastructure;

/// <summary>
/// The app on a real Kestrel socket on a free loopback port, for what the in-memory test server does not do:
/// request body limits, and clients outside the process (a browser).
/// </summary>
public sealed class KestrelCleanUserFactory : CleanUserFactory
{
    public KestrelCleanUserFactory()
    {
        UseKestrel();
        StartServer();
    }

    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }

    /// <summary>A client that talks to the socket, with a real access token for <paramref name="userId"/>.</summary>
    public HttpClient SocketClientFor(long userId)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TokenFor(userId));
        return client;
    }
}

using CleanUser.FunctionalTests.Infrastructure;
using CleanUser.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>SPEC §2/§10: outside Development there is no built-in signing key; the service refuses to start without one.</summary>
public sealed class StartupTests
{
    private sealed class ProductionWithoutKey() : CleanUserFactory("Production", signingKey: null);

    private sealed class ProductionWithShortKey() : CleanUserFactory("Production", signingKey: "too-short");

    [Fact]
    public async Task Production_without_a_signing_key_does_not_serve()
    {
        using var factory = new ProductionWithoutKey();

        // Program stops before it listens (it returns 1): the auth options cannot be built...
        var refused = Assert.Throws<InvalidOperationException>(() => factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value);
        Assert.Contains("Auth:SigningKey is not configured", refused.Message, StringComparison.Ordinal);

        // ...and the host never started, so nothing answers.
        var notServing = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using var client = factory.CreateClient();
            using var _ = await client.GetAsync(new Uri("/api/v2/user/1/", UriKind.Relative));
        });
        Assert.Contains("has not been started", notServing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_with_a_key_shorter_than_32_bytes_is_refused()
    {
        using var factory = new ProductionWithShortKey();

        var refused = Assert.Throws<InvalidOperationException>(() => factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value);
        Assert.Contains("at least 32 bytes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureUsable_outside_development_refuses_a_missing_key()
    {
        var options = new AuthOptions();

        Assert.Throws<InvalidOperationException>(() => options.EnsureUsable(isDevelopment: false));
        Assert.Null(options.SigningKey);
    }

    [Fact]
    public void EnsureUsable_in_development_fills_in_the_development_key()
    {
        var options = new AuthOptions();

        options.EnsureUsable(isDevelopment: true);

        Assert.Equal(AuthOptions.DevelopmentSigningKey, options.SigningKey);
        Assert.True(options.SigningKeyBytes().Length >= AuthOptions.MinimumKeyBytes);
    }

    [Fact]
    public void EnsureUsable_in_development_keeps_a_configured_key()
    {
        var options = new AuthOptions { SigningKey = CleanUserFactory.SigningKey };

        options.EnsureUsable(isDevelopment: true);

        Assert.Equal(CleanUserFactory.SigningKey, options.SigningKey);
    }
}

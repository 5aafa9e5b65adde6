using System.Net;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Security;

/// <summary>With <c>Auth:Issuer</c> and <c>Auth:Audience</c> set, a token must name both (docs/api.md#authentication).</summary>
public sealed class TokenIssuerAndAudienceTests(TokenIssuerAndAudienceTests.App fixture) : IClassFixture<TokenIssuerAndAudienceTests.App>
{
    private const string Issuer = "https://community.example/";
    private const string Audience = "cleanuser";

    /// <summary>The service with an issuer and an audience configured.</summary>
    public sealed class App : IDisposable
    {
        public TestApp Service { get; } = TestApp.With(new TestAppOptions
        {
            Settings = new Dictionary<string, string> { ["Auth:Issuer"] = Issuer, ["Auth:Audience"] = Audience },
        });

        public void Dispose() => Service.Dispose();
    }

    /// <summary>Changes to a good token's <c>iss</c> and <c>aud</c>, and whether the token is then accepted.</summary>
    private static readonly Dictionary<string, (Action<Dictionary<string, object>> Change, bool Accepted)> Cases = new()
    {
        ["iss and aud as configured"] = (_ => { }, true),
        ["aud an array naming ours"] = (c => c["aud"] = new[] { "other", Audience }, true),
        ["no iss"] = (c => c.Remove("iss"), false),
        ["another iss"] = (c => c["iss"] = "https://elsewhere.example/", false),
        ["iss in an array"] = (c => c["iss"] = new[] { Issuer }, false),
        ["no aud"] = (c => c.Remove("aud"), false),
        ["aud an array without ours"] = (c => c["aud"] = new[] { "other" }, false),
        ["aud an array with a number"] = (c => c["aud"] = new object[] { Audience, 1 }, false),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Only_tokens_naming_the_configured_issuer_and_audience_authenticate(string kind)
    {
        var app = fixture.Service;
        var id = await app.CreateUserAsync();
        var claims = Jwt.AccessClaims(id);
        claims["iss"] = Issuer;
        claims["aud"] = Audience;
        Cases[kind].Change(claims);
        using var client = app.CreateClient().WithToken(Jwt.Hs256(claims));

        using var response = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        if (Cases[kind].Accepted)
        {
            Assert.Equal(id, (await response.ReadUserAsync()).GetProperty("id").GetInt64());
        }
        else
        {
            await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "authentication_failed");
        }
    }

    [Fact]
    public async Task Tokens_the_service_issues_name_them()
    {
        var id = await fixture.Service.CreateUserAsync();
        using var client = fixture.Service.ClientFor(id);

        using var response = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        Assert.Equal(id, (await response.ReadUserAsync()).GetProperty("id").GetInt64());
    }
}

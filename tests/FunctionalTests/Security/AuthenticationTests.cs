using System.Net;
using System.Net.Http.Headers;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Security;

/// <summary>Only a valid HS256 access token for an existing user authenticates; everything else is a 401.</summary>
public sealed class AuthenticationTests(TestApp app) : IClassFixture<TestApp>
{
    private const string InvalidToken = "Bearer error=\"invalid_token\"";

    private const string OtherKey = "some-other-signing-key-that-is-long-enough-0123456789";

    public static TheoryData<string> BadTokens =>
    [
        "alg none", "alg HS512", "wrong signature", "expired", "token_type refresh", "no token_type", "no jti", "empty jti",
        "no user_id", "user_id not a number", "user_id of no user", "no exp", "no iat", "not a jwt",
    ];

    private static string BadToken(string kind, long userId)
    {
        var claims = Jwt.AccessClaims(userId);
        switch (kind)
        {
            case "alg none": return Jwt.AlgNone(claims);
            case "alg HS512": return Jwt.Hs512(claims);
            case "wrong signature": return Jwt.Hs256(claims, OtherKey);
            case "expired":
                claims["iat"] = Jwt.Now - 3600;
                claims["exp"] = Jwt.Now - 120; // beyond the 30 s clock skew
                break;
            case "token_type refresh": claims["token_type"] = "refresh"; break;
            case "no token_type": claims.Remove("token_type"); break;
            case "no jti": claims.Remove("jti"); break;
            case "empty jti": claims["jti"] = ""; break;
            case "no user_id": claims.Remove("user_id"); break;
            case "user_id not a number": claims["user_id"] = "abc"; break;
            case "user_id of no user": claims["user_id"] = 987_654_321L; break;
            case "no exp": claims.Remove("exp"); break;
            case "no iat": claims.Remove("iat"); break;
            default: return "not-a-jwt";
        }

        return Jwt.Hs256(claims);
    }

    /// <summary>
    /// A PATCH of a new user's bio sent by the client <paramref name="clientFor"/> makes for that user is a 401 with
    /// <paramref name="code"/> and the challenge <paramref name="challenge"/>, and changes nothing.
    /// </summary>
    private async Task AssertPatchIsRefusedAsync(Func<long, HttpClient> clientFor, string code, string challenge)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = clientFor(id);

        using var response = await client.PatchJsonAsync(id, new { bio = "should not be stored" });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, code);
        Assert.Equal(challenge, Challenge(response));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public Task A_bad_token_returns_401_invalid_token_and_changes_nothing(string kind) =>
        AssertPatchIsRefusedAsync(id => app.CreateClient().WithToken(BadToken(kind, id)), "authentication_failed", InvalidToken);

    [Fact]
    public async Task A_hand_made_token_with_every_claim_is_accepted()
    {
        // The control for the cases above: the hand-made tokens differ from a good one only in what each case breaks.
        var id = await app.CreateUserAsync();
        using var client = app.CreateClient().WithToken(Jwt.Hs256(Jwt.AccessClaims(id)));

        using var response = await client.PatchJsonAsync(id, new { bio = "hand made" });

        Assert.Equal("hand made", (await response.ReadUserAsync()).GetProperty("bio").GetString());
    }

    [Fact]
    public async Task A_token_inside_the_clock_skew_is_still_accepted()
    {
        var id = await app.CreateUserAsync();
        var claims = Jwt.AccessClaims(id);
        claims["exp"] = Jwt.Now - 5;
        using var client = app.CreateClient().WithToken(Jwt.Hs256(claims));

        using var response = await client.PatchJsonAsync(id, new { bio = "just in time" });

        await response.ReadUserAsync();
    }

    [Fact]
    public Task No_credentials_returns_401_not_authenticated_with_a_bare_bearer_challenge() =>
        AssertPatchIsRefusedAsync(_ => app.CreateClient(), "not_authenticated", "Bearer");

    [Fact]
    public async Task No_credentials_is_checked_before_the_body_is_read()
    {
        var id = await app.CreateUserAsync();
        using var client = app.CreateClient();

        using var response = await client.PatchAsync(id, Api.Raw("{ not json", "application/json"));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "not_authenticated");
    }

    [Fact]
    public async Task No_credentials_is_refused_before_validation()
    {
        var id = await app.CreateUserAsync();
        using var client = app.CreateClient();

        using var response = await client.PatchJsonAsync(id, new { username = "admin", bio = new string('b', 5001) });

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "not_authenticated");
    }

    [Theory]
    [InlineData("Basic", "dXNlcjpwYXNz")]
    [InlineData("Bearer", null)]
    [InlineData("JWT", "token")]
    public Task An_authorization_header_that_is_not_a_bearer_token_returns_401_authentication_failed(string scheme, string? parameter) =>
        AssertPatchIsRefusedAsync(
            id => app.CreateClient().WithToken(parameter == "token" ? app.TokenFor(id) : parameter, scheme), "authentication_failed", InvalidToken);

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Token")]
    public async Task Both_the_Bearer_and_the_Token_scheme_are_accepted(string scheme)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.CreateClient().WithToken(app.TokenFor(id), scheme);

        using var me = await client.GetAsync(Api.Relative("/api/v2/user/me/"));
        using var patch = await client.PatchJsonAsync(id, new { bio = scheme });

        Assert.Equal(id, (await me.ReadUserAsync()).GetProperty("id").GetInt64());
        await patch.ReadUserAsync();
        Assert.Equal(before.Written() with { Bio = scheme }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_bad_token_is_refused_on_the_public_get_too()
    {
        var id = await app.CreateUserAsync();
        using var client = app.CreateClient().WithToken(BadToken("expired", id));

        using var response = await client.GetUserAsync(id);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "authentication_failed");
    }

    private static string Challenge(HttpResponseMessage response) =>
        string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
}

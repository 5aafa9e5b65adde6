using System.Globalization;
using System.Net;
using System.Text.Json;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Security;

/// <summary>Only a valid HS256 access token for an existing user authenticates; everything else is a 401.</summary>
public sealed class AuthenticationTests(TestApp app) : IClassFixture<TestApp>
{
    private const string InvalidToken = "Bearer error=\"invalid_token\"";

    private const string OtherKey = "some-other-signing-key-that-is-long-enough-0123456789";

    /// <summary>
    /// Tokens for the user <c>id</c> that differ from a good one (<see cref="Jwt.AccessClaims"/>, HS256, the test key)
    /// only in what the case names; each is a 401 (docs/api.md#authentication).
    /// </summary>
    private static readonly Dictionary<string, Func<long, string>> BadTokenCases = new()
    {
        ["not a jwt"] = _ => "not-a-jwt",
        ["alg none"] = id => Jwt.AlgNone(Jwt.AccessClaims(id)),
        ["alg HS512"] = id => Jwt.Hs512(Jwt.AccessClaims(id)),
        ["alg hs256 in lower case"] = id => Jwt.Hs256(Jwt.Header("hs256"), Jwt.AccessClaims(id)),
        ["wrong signature"] = id => Jwt.Hs256(Jwt.AccessClaims(id), OtherKey),
        ["padding after the signature"] = id => Jwt.Hs256(Jwt.AccessClaims(id)) + "=",
        ["crit naming a claim"] = id => Jwt.Hs256(With(Jwt.Header("HS256"), "crit", new[] { "exp" }), Jwt.AccessClaims(id)),
        ["crit naming b64"] = id => Jwt.Hs256(With(With(Jwt.Header("HS256"), "b64", true), "crit", new[] { "b64" }), Jwt.AccessClaims(id)),
        ["crit empty"] = id => Jwt.Hs256(With(Jwt.Header("HS256"), "crit", Array.Empty<string>()), Jwt.AccessClaims(id)),
        ["payload not an object"] = _ => Jwt.Hs256Json("""{"alg":"HS256","typ":"JWT"}""", "[1]"),
        ["user_id twice"] = id => Jwt.Hs256Json("""{"alg":"HS256","typ":"JWT"}""",
            JsonSerializer.Serialize(Jwt.AccessClaims(id)).TrimEnd('}') + $",\"user_id\":{id}}}"),
        ["expired"] = id => Claims(id, c =>
        {
            c["iat"] = Jwt.Now - 3600;
            c["exp"] = Jwt.Now - 120; // beyond the 30 s clock skew
        }),
        ["no exp"] = id => Claims(id, c => c.Remove("exp")),
        ["exp a string"] = id => Claims(id, c => c["exp"] = (Jwt.Now + 3600).ToString(CultureInfo.InvariantCulture)),
        ["exp null"] = id => Claims(id, c => c["exp"] = Jwt.Raw("null")),
        ["no iat"] = id => Claims(id, c => c.Remove("iat")),
        ["iat a string"] = id => Claims(id, c => c["iat"] = Jwt.Now.ToString(CultureInfo.InvariantCulture)),
        ["nbf in the future"] = id => Claims(id, c => c["nbf"] = Jwt.Now + 600),
        ["nbf a string"] = id => Claims(id, c => c["nbf"] = Jwt.Now.ToString(CultureInfo.InvariantCulture)),
        ["lifetime over 720 h"] = id => Claims(id, c => c["exp"] = Jwt.Now + (720 * 3600) + 60),
        ["token_type refresh"] = id => Claims(id, c => c["token_type"] = "refresh"),
        ["token_type in an array"] = id => Claims(id, c => c["token_type"] = new[] { "access" }),
        ["no token_type"] = id => Claims(id, c => c.Remove("token_type")),
        ["no jti"] = id => Claims(id, c => c.Remove("jti")),
        ["empty jti"] = id => Claims(id, c => c["jti"] = ""),
        ["jti null"] = id => Claims(id, c => c["jti"] = Jwt.Raw("null")),
        ["jti true"] = id => Claims(id, c => c["jti"] = true),
        ["jti an array"] = id => Claims(id, c => c["jti"] = new[] { "a" }),
        ["no user_id"] = id => Claims(id, c => c.Remove("user_id")),
        ["user_id not a number"] = id => Claims(id, c => c["user_id"] = "abc"),
        ["user_id an array [id, 1]"] = id => Claims(id, c => c["user_id"] = new[] { id, 1 }),
        ["user_id an array [\"id\"]"] = id => Claims(id, c => c["user_id"] = new[] { Id(id) }),
        ["user_id an object"] = id => Claims(id, c => c["user_id"] = new Dictionary<string, long> { ["id"] = id }),
        ["user_id true"] = id => Claims(id, c => c["user_id"] = true),
        ["user_id null"] = id => Claims(id, c => c["user_id"] = Jwt.Raw("null")),
        ["user_id id.0"] = id => Claims(id, c => c["user_id"] = Jwt.Raw(Id(id) + ".0")),
        ["user_id in exponent form"] = id => Claims(id, c => c["user_id"] = Jwt.Raw(Id(id) + "e0")),
        ["user_id negative"] = id => Claims(id, c => c["user_id"] = -id),
        ["user_id 0"] = id => Claims(id, c => c["user_id"] = 0),
        ["user_id beyond 64 bits"] = id => Claims(id, c => c["user_id"] = Jwt.Raw("9223372036854775808")),
        ["user_id a string with a leading zero"] = id => Claims(id, c => c["user_id"] = "0" + Id(id)),
        ["user_id a string with a sign"] = id => Claims(id, c => c["user_id"] = "+" + Id(id)),
        ["user_id a string with white space"] = id => Claims(id, c => c["user_id"] = " " + Id(id)),
        ["user_id a string id.0"] = id => Claims(id, c => c["user_id"] = Id(id) + ".0"),
        ["user_id of no user"] = id => Claims(id, c => c["user_id"] = 987_654_321L),
    };

    /// <summary>Tokens that look unusual but are good: each authenticates as the user <c>id</c>.</summary>
    private static readonly Dictionary<string, Func<long, string>> GoodTokenCases = new()
    {
        ["every claim as the official client writes it"] = id => Jwt.Hs256(Jwt.AccessClaims(id)),
        ["user_id a string of digits (Simple JWT 5.5.1 and later)"] = id => Claims(id, c => c["user_id"] = Id(id)),
        ["jti a number"] = id => Claims(id, c => c["jti"] = 1_700_000_000_123L),
        ["jti a fraction"] = id => Claims(id, c => c["jti"] = Jwt.Raw("0.5")),
        ["exp with a fraction of a second"] = id => Claims(id, c => c["exp"] = Jwt.Raw(Id(Jwt.Now + 3600) + ".5")),
        ["exp inside the clock skew"] = id => Claims(id, c => c["exp"] = Jwt.Now - 5),
        ["lifetime exactly 720 h"] = id => Claims(id, c => c["exp"] = (long)c["iat"] + (720 * 3600)),
        ["nbf in the past"] = id => Claims(id, c => c["nbf"] = Jwt.Now - 60),
        ["an unknown header parameter"] = id => Jwt.Hs256(With(Jwt.Header("HS256"), "kid", "k1"), Jwt.AccessClaims(id)),
    };

    public static TheoryData<string> BadTokens => [.. BadTokenCases.Keys];

    public static TheoryData<string> GoodTokens => [.. GoodTokenCases.Keys];

    /// <summary>The claims of a good token for <paramref name="id"/> after <paramref name="change"/>, signed.</summary>
    private static string Claims(long id, Action<Dictionary<string, object>> change)
    {
        var claims = Jwt.AccessClaims(id);
        change(claims);
        return Jwt.Hs256(claims);
    }

    private static Dictionary<string, object> With(Dictionary<string, object> header, string name, object value)
    {
        header[name] = value;
        return header;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

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
        AssertPatchIsRefusedAsync(id => app.CreateClient().WithToken(BadTokenCases[kind](id)), "authentication_failed", InvalidToken);

    [Theory]
    [MemberData(nameof(GoodTokens))]
    public async Task A_good_token_in_any_accepted_shape_authenticates_its_user(string kind)
    {
        // The control for the cases above: the hand-made tokens differ from a good one only in what each case breaks.
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.CreateClient().WithToken(GoodTokenCases[kind](id));

        using var me = await client.GetAsync(Api.Relative("/api/v2/user/me/"));
        using var patch = await client.PatchJsonAsync(id, new { bio = "hand made" });

        Assert.Equal(id, (await me.ReadUserAsync()).GetProperty("id").GetInt64());
        await patch.ReadUserAsync();
        Assert.Equal(before.Written() with { Bio = "hand made" }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task With_Auth_MaxTokenLifetimeHours_0_a_token_may_live_any_time()
    {
        using var unlimited = TestApp.With(new TestAppOptions { Settings = new Dictionary<string, string> { ["Auth:MaxTokenLifetimeHours"] = "0" } });
        var id = await unlimited.CreateUserAsync();
        using var client = unlimited.CreateClient().WithToken(BadTokenCases["lifetime over 720 h"](id));

        using var response = await client.GetAsync(Api.Relative("/api/v2/user/me/"));

        Assert.Equal(id, (await response.ReadUserAsync()).GetProperty("id").GetInt64());
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
        using var client = app.CreateClient().WithToken(BadTokenCases["expired"](id));

        using var response = await client.GetUserAsync(id);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "authentication_failed");
    }

    private static string Challenge(HttpResponseMessage response) =>
        string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
}

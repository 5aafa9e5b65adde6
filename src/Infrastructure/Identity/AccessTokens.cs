using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CleanUser.Infrastructure.Identity;

/// <summary>
/// The access tokens of docs/api.md#authentication: HS256 JWTs carrying <c>user_id</c>, <c>token_type=access</c>, <c>exp</c>,
/// <c>iat</c> and <c>jti</c> — the shape SelfCommunity (Simple JWT) issues. IdentityModel writes them; they are read by
/// <see cref="SignedJwt"/> and the claim rules here, which look at each claim's JSON type — IdentityModel's reader cannot
/// read a numeric <c>jti</c> and turns <c>"exp": "…"</c> into a number (docs/adr/0010-strict-access-tokens.md).
/// </summary>
public sealed class AccessTokens(IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    public const string UserIdClaim = "user_id";
    public const string TokenTypeClaim = "token_type";
    public const string AccessTokenType = "access";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private Keys? _keys;

    /// <param name="lifetime"><see cref="AuthOptions.TokenLifetime"/> when null; callers keep it within <see cref="AuthOptions.MaxTokenLifetime"/>.</param>
    public string Issue(long userId, TimeSpan? lifetime = null)
    {
        var auth = options.Value;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now,
            Expires = now + (lifetime ?? auth.TokenLifetime),
            SigningCredentials = KeysFor(auth).SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [TokenTypeClaim] = AccessTokenType,
                [UserIdClaim] = userId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>The user id of a valid access token, or the reason it is not one (safe to show: it never quotes the token).</summary>
    public AccessTokenResult Validate(string token)
    {
        var auth = options.Value;
        using var payload = SignedJwt.ReadPayload(token, KeysFor(auth).KeyBytes);
        if (payload is null)
        {
            return AccessTokenResult.Invalid("The token is not valid.");
        }

        var claims = payload.RootElement;
        if (!IsString(claims, TokenTypeClaim, AccessTokenType))
        {
            return AccessTokenResult.Invalid("The token is not an access token.");
        }

        if (!TryGetNumericDate(claims, JwtRegisteredClaimNames.Exp, out var expires) ||
            !TryGetNumericDate(claims, JwtRegisteredClaimNames.Iat, out var issuedAt))
        {
            return AccessTokenResult.Invalid("The token needs exp and iat claims that are numbers (NumericDate).");
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000d;
        if (expires + ClockSkew.TotalSeconds < now)
        {
            return AccessTokenResult.Invalid("The token has expired.");
        }

        if (claims.TryGetProperty(JwtRegisteredClaimNames.Nbf, out _) &&
            !(TryGetNumericDate(claims, JwtRegisteredClaimNames.Nbf, out var notBefore) && notBefore - ClockSkew.TotalSeconds <= now))
        {
            return AccessTokenResult.Invalid("The token is not valid yet.");
        }

        if (auth.MaxTokenLifetime is { } max && expires - issuedAt > max.TotalSeconds)
        {
            return AccessTokenResult.Invalid("The token lives longer (exp - iat) than this service accepts.");
        }

        if (!HasJti(claims))
        {
            return AccessTokenResult.Invalid("The token has no jti claim (a non-empty string or a number).");
        }

        if ((auth.Issuer is not null && !IsString(claims, JwtRegisteredClaimNames.Iss, auth.Issuer)) ||
            (auth.Audience is not null && !HasAudience(claims, auth.Audience)))
        {
            return AccessTokenResult.Invalid("The token is for another issuer or audience.");
        }

        return TryGetUserId(claims, out var userId)
            ? AccessTokenResult.Valid(userId)
            : AccessTokenResult.Invalid("The token has no valid user_id claim.");
    }

    /// <summary>A JSON number (RFC 7519 NumericDate); a string holding digits is not one.</summary>
    private static bool TryGetNumericDate(JsonElement claims, string name, out double seconds)
    {
        seconds = 0;
        return claims.TryGetProperty(name, out var claim) && claim.ValueKind == JsonValueKind.Number &&
               claim.TryGetDouble(out seconds) && double.IsFinite(seconds);
    }

    private static bool HasJti(JsonElement claims) =>
        claims.TryGetProperty(JwtRegisteredClaimNames.Jti, out var jti) &&
        (jti.ValueKind == JsonValueKind.Number || (jti.ValueKind == JsonValueKind.String && jti.GetString()!.Length > 0));

    /// <summary>RFC 7519 §4.1.3: one audience as a string, or several as an array of strings.</summary>
    private static bool HasAudience(JsonElement claims, string audience) =>
        claims.TryGetProperty(JwtRegisteredClaimNames.Aud, out var aud) &&
        (aud.ValueKind == JsonValueKind.Array
            ? aud.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String) && aud.EnumerateArray().Any(a => a.ValueEquals(audience))
            : aud.ValueKind == JsonValueKind.String && aud.ValueEquals(audience));

    private static bool IsString(JsonElement claims, string name, string expected) =>
        claims.TryGetProperty(name, out var claim) && claim.ValueKind == JsonValueKind.String && claim.ValueEquals(expected);

    /// <summary>
    /// A positive 64-bit id, written as a JSON integer (<c>3</c>, what Simple JWT up to 5.5.0 and the official client
    /// send) or as a string of its decimal digits (<c>"3"</c>, what Simple JWT 5.5.1 and later send). Nothing else:
    /// not <c>3.0</c>, <c>"03"</c>, <c>" 3"</c>, <c>[3]</c> or <c>true</c> (docs/adr/0010-strict-access-tokens.md).
    /// </summary>
    private static bool TryGetUserId(JsonElement claims, out long userId)
    {
        userId = 0;
        if (!claims.TryGetProperty(UserIdClaim, out var claim))
        {
            return false;
        }

        var read = claim.ValueKind switch
        {
            JsonValueKind.Number => claim.TryGetInt64(out userId),
            JsonValueKind.String => claim.GetString() is { } digits && !digits.StartsWith('0') &&
                                    long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out userId),
            _ => false,
        };
        return read && userId > 0;
    }

    /// <summary>
    /// The key of <paramref name="auth"/>, built once per options value: the bytes <see cref="SignedJwt"/> checks with, and
    /// the credentials tokens are issued with — IdentityModel caches a signature provider per key object, so a new key
    /// per token would build (and cache) a new one each time.
    /// </summary>
    private Keys KeysFor(AuthOptions auth)
    {
        var keys = _keys;
        if (keys is null || !ReferenceEquals(keys.Options, auth))
        {
            // Two requests racing here build equal keys; either may stay.
            keys = new Keys(auth);
            _keys = keys;
        }

        return keys;
    }

    private sealed class Keys
    {
        public Keys(AuthOptions auth)
        {
            Options = auth;
            KeyBytes = auth.SigningKeyBytes();
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(KeyBytes), SecurityAlgorithms.HmacSha256);
        }

        /// <summary>The options value these were built from.</summary>
        public AuthOptions Options { get; }

        public byte[] KeyBytes { get; }

        public SigningCredentials SigningCredentials { get; }
    }
}

public sealed record AccessTokenResult(long? UserId, string? Error)
{
    public static AccessTokenResult Valid(long userId) => new(userId, null);

    public static AccessTokenResult Invalid(string error) => new(null, error);
}

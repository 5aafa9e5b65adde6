using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CleanUser.Infrastructure.Identity;

/// <summary>
/// The access tokens the API accepts: HS256 JWTs carrying <c>user_id</c>, <c>token_type=access</c>, <c>exp</c>,
/// <c>iat</c> and <c>jti</c> — the shape SelfCommunity (Simple JWT) issues.
/// </summary>
public sealed class AccessTokens(IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    public const string UserIdClaim = "user_id";
    public const string TokenTypeClaim = "token_type";
    public const string AccessTokenType = "access";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private Keys? _keys;

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

    /// <summary>The user id of a valid access token, or the reason it is not one.</summary>
    public async Task<AccessTokenResult> ValidateAsync(string token)
    {
        var parameters = KeysFor(options.Value).ValidationParameters;
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return AccessTokenResult.Invalid(result.Exception is SecurityTokenExpiredException
                ? "The token has expired."
                : "The token is not valid.");
        }

        if (!jwt.TryGetPayloadValue<string>(TokenTypeClaim, out var tokenType) || tokenType != AccessTokenType)
        {
            return AccessTokenResult.Invalid("The token is not an access token.");
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            return AccessTokenResult.Invalid("The token has no iat claim.");
        }

        if (!jwt.TryGetClaim(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti.Value))
        {
            return AccessTokenResult.Invalid("The token has no jti claim.");
        }

        return jwt.TryGetClaim(UserIdClaim, out var userIdClaim) && IsInteger(userIdClaim) &&
               long.TryParse(userIdClaim.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) && userId > 0
            ? AccessTokenResult.Valid(userId)
            : AccessTokenResult.Invalid("The token has no valid user_id claim.");
    }

    /// <summary>
    /// The key and validation parameters of <paramref name="auth"/>, built once per options value: IdentityModel caches
    /// a signature provider per key object, so a new key on every request would build (and cache) a new one each time.
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

    private static bool IsInteger(Claim claim) =>
        claim.ValueType is ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64
            or ClaimValueTypes.String;

    private sealed class Keys
    {
        public Keys(AuthOptions auth)
        {
            Options = auth;
            var key = new SymmetricSecurityKey(auth.SigningKeyBytes());
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
            ValidationParameters = new TokenValidationParameters
            {
                IssuerSigningKey = key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = ClockSkew,
                ValidateIssuer = auth.Issuer is not null,
                ValidIssuer = auth.Issuer,
                ValidateAudience = auth.Audience is not null,
                ValidAudience = auth.Audience,
                ValidateIssuerSigningKey = true,
                TryAllIssuerSigningKeys = true,
            };
        }

        /// <summary>The options value these were built from.</summary>
        public AuthOptions Options { get; }

        public SigningCredentials SigningCredentials { get; }

        public TokenValidationParameters ValidationParameters { get; }
    }
}

public sealed record AccessTokenResult(long? UserId, string? Error)
{
    public static AccessTokenResult Valid(long userId) => new(userId, null);

    public static AccessTokenResult Invalid(string error) => new(null, error);
}

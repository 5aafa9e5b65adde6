using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CleanUser.FunctionalTests.Infrastructure;

/// <summary>
/// JWTs made by hand (base64url + HMAC from the BCL), so every header field and claim is under the test's
/// control — including the broken ones a real issuer would never produce.
/// </summary>
public static class Jwt
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The claims of a valid access token (SPEC §2); tests remove or change one of them.</summary>
    public static Dictionary<string, object> AccessClaims(long userId) => new()
    {
        ["token_type"] = "access",
        ["user_id"] = userId,
        ["iat"] = Now,
        ["exp"] = Now + 3600,
        ["jti"] = Guid.NewGuid().ToString("N"),
    };

    public static string Hs256(IReadOnlyDictionary<string, object> claims, string key = CleanUserFactory.SigningKey) =>
        Sign(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT" }, claims,
            input => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), input));

    public static string Hs512(IReadOnlyDictionary<string, object> claims, string key = CleanUserFactory.SigningKey) =>
        Sign(new Dictionary<string, object> { ["alg"] = "HS512", ["typ"] = "JWT" }, claims,
            input => HMACSHA512.HashData(Encoding.UTF8.GetBytes(key), input));

    /// <summary><c>alg: none</c> with an empty signature.</summary>
    public static string AlgNone(IReadOnlyDictionary<string, object> claims) =>
        Sign(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" }, claims, _ => []);

    private static string Sign(Dictionary<string, object> header, IReadOnlyDictionary<string, object> claims,
        Func<byte[], byte[]> signature)
    {
        var signingInput = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signingInput + "." + Encode(signature(Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}

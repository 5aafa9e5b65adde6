using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CleanUser.Infrastructure.Identity;

/// <summary>
/// The signature layer of docs/api.md#authentication: a JWS in compact serialization (RFC 7515 §7.1), HS256 under our
/// key, read strictly (docs/adr/0010-strict-access-tokens.md):
/// <list type="bullet">
/// <item>exactly three segments of base64url, without padding or white space;</item>
/// <item>a header and a payload that are JSON objects without duplicate member names (RFC 7519 §4 lets a reader refuse
/// them rather than take the last);</item>
/// <item>header <c>alg</c> exactly <c>HS256</c> — never <c>none</c> nor another algorithm the token picks;</item>
/// <item>no header <c>crit</c>: it names extensions the reader must understand, and we understand none (RFC 7515
/// §4.1.11);</item>
/// <item>the HMAC compared in constant time.</item>
/// </list>
/// The claims are the caller's to judge (<see cref="AccessTokens"/>).
/// </summary>
internal static class SignedJwt
{
    private const string Algorithm = "HS256";

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The payload of <paramref name="token"/> when it is such a JWS signed with <paramref name="key"/>, else null. The caller disposes it.</summary>
    public static JsonDocument? ReadPayload(string token, byte[] key)
    {
        if (token.Split('.') is not [var header, var payload, var signature] ||
            !TryDecode(signature, out var signatureBytes) || signatureBytes.Length != HMACSHA256.HashSizeInBytes)
        {
            return null;
        }

        using (var headerJson = ParseObject(header))
        {
            if (headerJson is null || !IsAccepted(headerJson.RootElement))
            {
                return null;
            }
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(token, 0, header.Length + 1 + payload.Length), expected);
        return CryptographicOperations.FixedTimeEquals(expected, signatureBytes) ? ParseObject(payload) : null;
    }

    private static bool IsAccepted(JsonElement header) =>
        header.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String && alg.ValueEquals(Algorithm) &&
        !header.TryGetProperty("crit", out _);

    private static JsonDocument? ParseObject(string segment)
    {
        if (!TryDecode(segment, out var bytes))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, StrictJson);
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    /// <summary>Base64url of RFC 7515 §2: the URL-safe alphabet only, so no padding and no white space.</summary>
    private static bool TryDecode(string segment, out byte[] bytes)
    {
        bytes = [];
        if (segment.Length == 0 || segment.AsSpan().ContainsAnyExcept(Base64UrlAlphabet) ||
            !Base64Url.IsValid(segment.AsSpan(), out var length))
        {
            return false;
        }

        bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(segment, bytes, out _);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// The <c>SelfCommunity-Signature</c> header (docs/webhooks.md#verifying): <c>t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256 with the endpoint's secret over "&lt;t&gt;.&lt;body&gt;"&gt;</c>, the secret's UTF-8 bytes being the key.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "SelfCommunity-Signature";

    public static string Header(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }
}

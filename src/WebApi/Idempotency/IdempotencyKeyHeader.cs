using System.Text;
using CleanUser.Infrastructure.Idempotency;
using Microsoft.Extensions.Primitives;

namespace CleanUser.WebApi.Idempotency;

/// <summary>
/// docs/api.md#idempotency: the <c>Idempotency-Key</c> request header (IETF draft "The Idempotency-Key HTTP Header
/// Field"): one value, either an sf-string (RFC 8941 §3.3.3: <c>"…"</c>, printable ASCII, <c>\</c> escaping only
/// <c>"</c> and <c>\</c>) or a bare token of visible ASCII; the key it names is 1–255 characters. <c>"abc"</c> and
/// <c>abc</c> name the same key.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>The key, or <c>null</c> when <paramref name="values"/> is not exactly one well-formed value.</summary>
    public static string? Parse(StringValues values)
    {
        if (values.Count != 1 || values[0] is not { } value)
        {
            return null;
        }

        value = value.Trim(' ', '\t');
        var key = value.StartsWith('"') ? Unquote(value) : IsToken(value) ? value : null;
        return key is { Length: > 0 and <= IdempotencyRecord.MaxKeyLength } ? key : null;
    }

    private static bool IsToken(string value) => value.All(c => c is > ' ' and <= '~');

    /// <summary>An sf-string with nothing after its closing quote, unescaped; <c>null</c> when malformed.</summary>
    private static string? Unquote(string value)
    {
        var key = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"')
            {
                return i == value.Length - 1 ? key.ToString() : null;
            }

            if (c == '\\')
            {
                if (++i == value.Length || value[i] is not ('"' or '\\'))
                {
                    return null;
                }

                c = value[i];
            }
            else if (c is < ' ' or > '~')
            {
                return null;
            }

            key.Append(c);
        }

        return null; // no closing quote
    }
}

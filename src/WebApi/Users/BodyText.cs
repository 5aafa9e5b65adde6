using System.Text;
using System.Text.Json;
using CleanUser.WebApi.Infrastructure;

namespace CleanUser.WebApi.Users;

/// <summary>
/// Text in a body is Unicode or the body is refused: invalid bytes for the charset and lone UTF-16 surrogates are a
/// 400 <c>parse_error</c> in every content type, never quietly replaced by U+FFFD nor kept as escapes
/// (docs/api.md#request-bodies).
/// </summary>
internal static class BodyText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>
    /// The JSON parser accepts strings that are not text — invalid UTF-8 bytes, an escaped lone surrogate
    /// (<c>"\ud800"</c>) — and fails only when one is read. Reading every string (and name) once up front turns that
    /// into a 400 <c>parse_error</c> instead of a failure deep inside the request.
    /// </summary>
    public static void EnsureReadable(JsonElement element)
    {
        try
        {
            Visit(element);
        }
        catch (InvalidOperationException exception)
        {
            throw RequestRejectedException.ParseError($"JSON parse error - {exception.Message}");
        }
    }

    /// <summary>
    /// Form and multipart text: <paramref name="bytes"/> in the <paramref name="declared"/> charset (UTF-8 when none
    /// or an unknown one is declared), without its byte order mark. Bytes that are not text in it are refused.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, Encoding? declared)
    {
        var encoding = declared is null || declared.CodePage == StrictUtf8.CodePage
            ? StrictUtf8
            : Encoding.GetEncoding(declared.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        var preamble = encoding.Preamble;
        if (bytes.StartsWith(preamble))
        {
            bytes = bytes[preamble.Length..];
        }

        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw RequestRejectedException.ParseError($"Text parse error - the bytes are not valid {encoding.WebName}.");
        }
    }

    private static void Visit(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Visit(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item);
                }

                break;
        }
    }
}

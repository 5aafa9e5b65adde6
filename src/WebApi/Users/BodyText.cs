using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CleanUser.WebApi.Infrastructure;
using Microsoft.Net.Http.Headers;

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
    /// <see cref="EnsureReadable(JsonElement)"/> for the value <paramref name="reader"/> is on, which it leaves on the
    /// value's last token. A string without escapes is checked as UTF-8 where it lies, without making a .NET string of it.
    /// </summary>
    public static void SkipReadable(ref Utf8JsonReader reader)
    {
        EnsureReadable(ref reader);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            EnsureReadable(ref reader);
        }
    }

    /// <summary>
    /// Form and multipart text: <paramref name="bytes"/> in the <paramref name="declared"/> charset (UTF-8 when none
    /// or an unknown one is declared), without its byte order mark. Bytes that are not text in it are refused.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, Encoding? declared)
    {
        var encoding = declared is null || declared.CodePage == StrictUtf8.CodePage ? StrictUtf8 : Strict(declared);
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

    /// <summary>The charset <paramref name="type"/> declares, if any; one the runtime refuses to name (UTF-7) is a 400.</summary>
    public static Encoding? DeclaredEncoding(MediaTypeHeaderValue type)
    {
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return type.Encoding;
        }
        catch (NotSupportedException)
        {
            throw RequestRejectedException.ParseError($"Text parse error - the charset {type.Charset} is not supported.");
        }
    }

    /// <summary>The declared charset with errors refused; one this runtime cannot decode strictly (e.g. UTF-7) is a 400.</summary>
    private static Encoding Strict(Encoding declared)
    {
        try
        {
            return Encoding.GetEncoding(declared.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
        {
            throw RequestRejectedException.ParseError($"Text parse error - the charset {declared.WebName} is not supported.");
        }
    }

    private static void EnsureReadable(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName &&
            (reader.ValueIsEscaped || !Utf8.IsValid(reader.ValueSpan)))
        {
            _ = reader.GetString(); // throws InvalidOperationException for what is not text
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

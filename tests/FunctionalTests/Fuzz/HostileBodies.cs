using System.Globalization;
using System.Text;
using CsCheck;
using static CleanUser.FunctionalTests.Fuzz.HostileValues;

namespace CleanUser.FunctionalTests.Fuzz;

/// <summary>A body and the <c>Content-Type</c> it is sent with (<c>null</c>: no header).</summary>
public sealed record HostileBody(string? ContentType, byte[] Content);

/// <summary>
/// Bodies in the five content types of docs/api.md#request-bodies, built by hand so that they can be wrong in every
/// way a client can make them: duplicate keys, wrong JSON types, deep nesting, invalid UTF-8, truncation, a charset
/// the bytes do not have, multipart boundaries that do not match.
/// </summary>
public static class HostileBodies
{
    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0xC0, 0x80], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFE, 0xFF]];

    private static readonly string[] Parameters =
    [
        "", "", "", "; charset=utf-8", "; charset=UTF-8", "; charset=utf-16", "; charset=\"utf-8\"", "; charset=latin1",
        ";", "; charset", "; q=0.5", "; boundary=x", "; charset=x-unknown",
    ];

    /// <summary>A <c>Content-Type</c> of another kind than the body: none, empty, unknown, or another patch format.</summary>
    private static readonly Gen<string?> OtherType = Gen.OneOf<string?>(
        null, "", "text/plain", "application/jsonx", "application/*", "*/*", "application/json, text/plain",
        "application/problem+json", "json", "application/x-www-form-urlencoded", "multipart/form-data",
        "application/json-patch+json", "application/merge-patch+json", "application/json", "multipart/mixed; boundary=b");

    private static Gen<string?> TypeOf(params string[] mediaTypes) => Mix<string?>(
        (12, Gen.Select(Gen.OneOf(mediaTypes), Gen.OneOf(Parameters), (type, parameters) => (string?)(type + parameters))),
        (1, Gen.OneOf(mediaTypes).Select(type => (string?)type.ToUpperInvariant())),
        (1, OtherType));

    /// <summary>The body, sometimes broken afterwards: cut short, invalid UTF-8 spliced in, a BOM, or re-encoded as UTF-16.</summary>
    private static Gen<byte[]> Damaged(Gen<string> text) => Mix(
        (12, text.Select(t => Encoding.UTF8.GetBytes(t))),
        (1, Gen.Select(text, Gen.Int[0, int.MaxValue], (t, at) => Truncate(Encoding.UTF8.GetBytes(t), at))),
        (1, Gen.Select(text, Gen.Int[0, int.MaxValue], Gen.OneOf(InvalidUtf8), (t, at, bad) => Splice(Encoding.UTF8.GetBytes(t), at, bad))),
        (1, text.Select(t => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(t)).ToArray())),
        (1, text.Select(t => Encoding.Unicode.GetBytes(t))));

    private static byte[] Truncate(byte[] bytes, int at) => bytes[..(at % (bytes.Length + 1))];

    private static byte[] Splice(byte[] bytes, int at, byte[] inserted)
    {
        var index = at % (bytes.Length + 1);
        return [.. bytes[..index], .. inserted, .. bytes[index..]];
    }

    private static Gen<HostileBody> Body(Gen<string?> contentType, Gen<byte[]> content) =>
        Gen.Select(contentType, content, (type, bytes) => new HostileBody(type, bytes));

    private static readonly Gen<string> JsonMember =
        FieldName.SelectMany(name => JsonFor(name).Select(value => JsonString(name) + ":" + value));

    private static readonly Gen<string> JsonObject = Mix(
        (10, JsonMember.Array[0, 6].Select(members => "{" + string.Join(",", members) + "}")),
        (1, Gen.OneOf("", "[]", "\"x\"", "null", "1", "{", "}", "{\"bio\":}", "{\"bio\" \"x\"}", "{\"bio\":\"x\",}", "{'bio':'x'}",
            "{\"bio\":\"x\"} {}", "/* */{}", "{\"bio\":\"x\"\0}", new string('{', 64) + new string('}', 64))));

    /// <summary><c>application/json</c> and <c>application/merge-patch+json</c> objects.</summary>
    public static readonly Gen<HostileBody> Json =
        Body(TypeOf("application/json", "application/merge-patch+json"), Damaged(JsonObject));

    private static readonly Gen<string> Pointer = Mix(
        (6, FieldName.Select(name => "/" + name)),
        (1, Gen.OneOf("", "/", "/bio/0", "/bio/-", "/~1", "/~0", "/tags/0", "//bio", "bio", "/bio~", "/Bio", "/bio\0")));

    private static readonly Gen<string> Operation = Gen.Select(
        Mix((8, Gen.OneOf("add", "replace", "remove", "test", "move", "copy")), (1, Gen.OneOf("ADD", "", "delete", "_get"))),
        Pointer, Pointer, Gen.Int[0, 15],
        (op, path, source, shape) => (op, path, source, shape)).SelectMany(o =>
            JsonFor(o.path.TrimStart('/')).Select(value =>
            {
                var members = new List<string>
                {
                    (o.shape & 1) == 0 ? "\"op\":" + JsonString(o.op) : "\"op\":" + value,
                    "\"path\":" + JsonString(o.path),
                };
                if ((o.shape & 2) == 0 || o.op is "move" or "copy")
                {
                    members.Add("\"from\":" + JsonString(o.source));
                }

                if ((o.shape & 4) == 0)
                {
                    members.Add("\"value\":" + value);
                }

                if ((o.shape & 8) != 0)
                {
                    members.Add("\"op\":\"remove\"");
                }

                return "{" + string.Join(",", members) + "}";
            }));

    private static readonly Gen<string> PatchDocument = Mix(
        (10, Operation.Array[0, 6].Select(operations => "[" + string.Join(",", operations) + "]")),
        (1, Gen.OneOf("", "{}", "\"x\"", "null", "[", "[1]", "[null]", "[[]]", "[{}]", "[{\"op\":\"replace\"}]")));

    /// <summary><c>application/json-patch+json</c> documents.</summary>
    public static readonly Gen<HostileBody> JsonPatch = Body(TypeOf("application/json-patch+json"), Damaged(PatchDocument));

    private static readonly Gen<string> FormJunk = Gen.OneOf(
        "=", "&", "%", "%ZZ", "a", "==x", "%C3%28=x", "bio=%FF%FE", "bio=%ED%A0%80", "bio=%00", "bio", "bio=a=b", "+=+",
        "real_name=%E2%82", "%62io=x");

    private static readonly Gen<string> FormPair = FieldName.SelectMany(name =>
        Gen.Select(For(name), Gen.Bool, (value, plus) => FormEncode(name, plus) + "=" + FormEncode(value, plus)));

    private static readonly Gen<string> FormText = Mix((10, FormPair), (1, FormJunk))
        .Array[0, 8].Select(pairs => string.Join("&", pairs));

    /// <summary><c>application/x-www-form-urlencoded</c> bodies.</summary>
    public static readonly Gen<HostileBody> Form = Body(TypeOf("application/x-www-form-urlencoded"), Damaged(FormText));

    /// <summary>Percent-encodes the UTF-8 of <paramref name="text"/> (a lone surrogate becomes U+FFFD); a space as <c>+</c> or <c>%20</c>.</summary>
    private static string FormEncode(string text, bool spaceAsPlus)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c == ' ' && spaceAsPlus)
            {
                encoded.Append('+');
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }

        return encoded.ToString();
    }

    /// <summary>One multipart part: its <c>Content-Disposition</c> (a file when it names a file name), its <c>Content-Type</c>, its bytes.</summary>
    private sealed record Part(string Disposition, string? PartType, byte[] Content);

    private static readonly Gen<string> PartName = Mix(
        (10, FieldName),
        (1, Gen.OneOf("bio\"; x=\"", "bio;", "\"bio\"", "bio\r\nX-Evil: 1")));

    private static readonly Gen<Part> TextPart = PartName.SelectMany(name => Gen.Select(
        For(name),
        Mix<string?>((8, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("text/plain; charset=utf-16", "text/plain; charset=x-unknown",
            "text/plain; charset=utf-7", "text/plain; charset=iso-8859-1", "application/json", "text/plain; charset="))),
        Gen.Int[0, 9],
        (value, type, shape) => new Part(
            shape switch
            {
                0 => "form-data; name*=UTF-8''" + Uri.EscapeDataString(name.Replace('\ud800', '?')),
                1 => "attachment; name=\"" + name + "\"",
                2 => "form-data",
                _ => "form-data; name=\"" + name + "\"",
            },
            type,
            type is not null && type.Contains("utf-16", StringComparison.Ordinal) ? Encoding.Unicode.GetBytes(value) : Encoding.UTF8.GetBytes(value))));

    private static readonly Gen<Part> FilePart = Gen.Select(
        Mix((6, Gen.OneOf("avatar", "cover")), (1, FieldName)),
        Gen.OneOf("image.png", "", "a.svg", "../../etc/passwd", "名前.jpg", "x\".png"),
        Gen.Int[0, 3], Image,
        (name, fileName, shape, content) => new Part(
            shape switch
            {
                0 => "form-data; name=\"" + name + "\"; filename*=UTF-8''" + Uri.EscapeDataString(fileName),
                1 => "form-data; name=\"" + name + "\"; filename=\"\"; filename*=UTF-8''",
                _ => "form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"",
            },
            "application/octet-stream", content));

    private static readonly Gen<string> Boundary = Mix(
        (6, Gen.Char["abcXYZ0123456789-_"].Array[1, 40].Select(c => new string(c))),
        (1, Gen.OneOf("a b", "'()+_,-./:=?", new string('b', 70), new string('b', 71), "\"", "b\"", "--", "ä", "b;c")));

    private static readonly Gen<Part[]> ManyParts =
        Gen.Int[1020, 1030].Select(count => Enumerable.Repeat(new Part("form-data; name=\"bio\"", null, "x"u8.ToArray()), count).ToArray());

    private static readonly Gen<(string Boundary, string Text)> MultipartText = Gen.Select(
        Boundary,
        Mix((10, Mix((4, TextPart), (1, FilePart)).Array[0, 6]), (1, ManyParts)),
        Gen.Int[0, 7],
        (boundary, parts, shape) =>
        {
            var newline = (shape & 1) == 0 ? "\r\n" : "\n";
            var text = new StringBuilder((shape & 2) == 0 ? string.Empty : "preamble" + newline);
            foreach (var part in parts)
            {
                text.Append("--").Append(boundary).Append(newline)
                    .Append("Content-Disposition: ").Append(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(part.Disposition))).Append(newline);
                if (part.PartType is not null)
                {
                    text.Append("Content-Type: ").Append(part.PartType).Append(newline);
                }

                text.Append(newline).Append(Encoding.Latin1.GetString(part.Content)).Append(newline);
            }

            if ((shape & 4) == 0)
            {
                text.Append("--").Append(boundary).Append("--").Append(newline);
            }

            return (boundary, text.ToString());
        });

    private static readonly Gen<string> MultipartType = Gen.Int[0, 9].Select(shape => shape switch
    {
        0 => "multipart/form-data",
        1 => "multipart/form-data; boundary=",
        2 => "multipart/form-data; boundary=\"{0}\"",
        3 => "multipart/form-data; boundary={0}; boundary=other",
        4 => "multipart/form-data; boundary=wrong",
        5 => "multipart/form-data; charset=utf-16; boundary={0}",
        6 => "MULTIPART/FORM-DATA; BOUNDARY={0}",
        _ => "multipart/form-data; boundary={0}",
    });

    /// <summary>
    /// <c>multipart/form-data</c> bodies. The text is built as Latin-1 so that each character is one byte of the body:
    /// file contents and non-UTF-8 parts arrive exactly as generated.
    /// </summary>
    public static readonly Gen<HostileBody> Multipart = Gen.Select(MultipartType, Gen.Int[0, 12], MultipartText, Gen.Int[0, int.MaxValue],
        (type, shape, multipart, at) =>
        {
            var bytes = Encoding.Latin1.GetBytes(multipart.Text);
            return new HostileBody(
                shape == 0 ? null : string.Format(CultureInfo.InvariantCulture, type, multipart.Boundary),
                shape == 1 ? Truncate(bytes, at) : bytes);
        });

    /// <summary>Any of the five.</summary>
    public static readonly Gen<HostileBody> Any = Mix((2, Json), (1, JsonPatch), (1, Form), (1, Multipart));
}

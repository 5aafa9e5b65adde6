using System.Globalization;
using System.Text;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using CleanUser.IntegrationTests.Images;
using CleanUser.Tests.Support;
using CsCheck;

namespace CleanUser.FunctionalTests.Fuzz;

/// <summary>
/// Field names and values for hostile bodies. Names come from the field table (<see cref="ProfileFields.All"/>), with
/// read-only and unknown names beside them; each field gets values near its own rule (docs/api.md#fields) — valid
/// ones, ones just past a limit, and plain garbage — mixed with text every field must survive.
/// </summary>
public static class HostileValues
{
    private static readonly string[] Writable = [.. ProfileFields.All.Select(f => f.Name)];

    private static readonly string[] ReadOnly =
    [
        "id", "ext_id", "followings_counter", "followers_counter", "posts_counter", "discussions_counter", "polls_counter",
        "connection_status", "categories_counter", "date_joined", "tags", "reputation", "community_badge", "reg_approved",
        "deleted", "company_name", "company_role",
    ];

    private static readonly string[] Unknown =
    [
        "", "Bio", "USERNAME", "bio ", " bio", "bio\0", "user_name", "__proto__", "constructor", "\ud800", "名前",
        "avatar[]", "bio[0]", "a.b", "%62io", "gender\u200b",
    ];

    public static readonly Gen<string> FieldName =
        Mix((6, Gen.OneOf(Writable)), (2, Gen.OneOf(ReadOnly)), (1, Gen.OneOf(Unknown)));

    private static readonly string[] Pieces =
    [
        "", " ", "\t", "\n", "\r\n", "\0", "\u0001", "\u001f", "\u007f", "\u0085", "\u00a0", "\u2028", "\u200b", "\u202e",
        "\ufeff", "\ufffd", "\ud800", "\udc00", "\ud83d\ude00", "e\u0301", "ß", "İ", "日本", "<script>", "'; DROP TABLE users;--",
        "%00", "\\", "\"", "{}", "null", "a", "Z9_-", "&", "=", "+", "--b", "\r\n--b--",
    ];

    /// <summary>Short text of hostile pieces: control characters, NUL, lone surrogates, joiners, markup.</summary>
    public static readonly Gen<string> Text = Mix(
            (4, Gen.OneOf(Pieces)),
            (3, Gen.Char['a', 'z'].Array[1, 12].Select(c => new string(c))),
            (1, Gen.Char.Array[1, 8].Select(c => new string(c))))
        .Array[0, 5].Select(pieces => string.Concat(pieces));

    /// <summary>Text at and just past every length limit, in characters of one, two (surrogate pairs) and zero code points.</summary>
    public static readonly Gen<string> LongText = Gen.Select(
        Gen.OneOf(49, 50, 51, 100, 101, 199, 200, 201, 255, 256, 4999, 5000, 5001),
        Gen.OneOf("a", "é", "\ud83d\ude00", " ", "\0", "\u0301"),
        Mix((9, Gen.Const(1)), (1, Gen.Const(40))),
        (count, piece, times) => string.Concat(Enumerable.Repeat(piece, count * times)));

    private static readonly Gen<string> Username = Mix(
        (3, Gen.Char["abcXYZ019_-"].Array[1, 20].Select(c => new string(c))),
        (1, Gen.OneOf<string>([.. ReservedUsernames.Defaults, "ADMIN", "Me"])),
        (1, Gen.OneOf(" padded ", "a b", "a.b", "ä", "-", "_", "a\0", new string('a', 255), new string('a', 256))));

    private static readonly Gen<string> Coordinate = Mix(
        (3, Gen.OneOf("0", "-0", "90", "-90", "90.0000001", "-180", "180", "180.5", "45.4642", "1e2", "NaN", "Infinity",
            "-Infinity", "∞", " 1 ", "+1", "1.", ".", "0x10", "١", "", "00045", "1.7976931348623157E+308", "4.9E-324",
            "1" + new string('0', 400))),
        (2, Gen.Int[-200_000_000, 200_000_000].Select(i => (i / 1_000_000.0).ToString(CultureInfo.InvariantCulture))));

    private static readonly Gen<string> LatLng = Mix(
        (4, Gen.Select(Coordinate, Coordinate, (lat, lng) => lat + "," + lng)),
        (1, Gen.OneOf("1,2,3", ",", "1;2", "(1,2)", "POINT(1 2)", "1 2", "1,2\0", "1,\u00a02")));

    private static readonly Gen<string> Date = Mix(
        (3, Gen.Select(Gen.Int[1, 10_000], Gen.Int[0, 13], Gen.Int[0, 32],
            (y, m, d) => string.Create(CultureInfo.InvariantCulture, $"{y:D4}-{m:D2}-{d:D2}"))),
        (2, Gen.OneOf("1900-01-01", "1899-12-31", "2000-02-29", "2001-02-29", "0001-01-01", "9999-12-31", "2000-1-1",
            "20000101", "2000/01/01", "2000-01-01T00:00:00Z", " 2000-01-01 ", "+2000-01-01", "-0001-01-01", "2000-01-01\0",
            "١٩٩٠-٠١-٠١")),
        (1, Gen.Int[-2, 3].Select(days => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days)
            .ToString(BirthDate.Format, CultureInfo.InvariantCulture))));

    private static readonly Gen<string> Url = Gen.OneOf(
        "https://example.com", "http://a", "HTTPS://EXAMPLE.COM/x?y#z", "ftp://example.com", "javascript:alert(1)",
        "//example.com", "https://", "http://", "http:///x", "https://exa mple.com", "https://例え.jp/パス",
        "http://user:pass@host:99999/", "http://[::1]:80/", "http://[::1", "file:///etc/passwd", "mailto:a@b.c",
        "data:text/html,<script>", "https://example.com/\0", "https://example.com/\u202e", "http://xn--", "http://-/",
        "http://a..b", "http://1.2.3.4.5", "https://example.com/" + new string('a', 180), "https://example.com/" + new string('a', 181),
        "www.example.com", "https:example.com", "http://%41.com", "http://a\tb.com", "https://example.com/\ud800");

    private static readonly Gen<string> Gender = Gen.OneOf(
        "Male", "female", "UNSPECIFIED", " Male ", "M", "1", "0", "Male,Female", "", "null", "Ｍale", "Male\0", "unspecified\n");

    /// <summary>Tiny real images, one of each format, and broken ones.</summary>
    public static readonly byte[][] Images =
    [
        TestImages.Png(2, 2), TestImages.Jpeg(3, 2), TestImages.Webp(2, 3), TestImages.Gif(2, 2), TestImages.Png(2, 2, transparent: true),
        TestImages.Png(4, 4)[..40], TestImages.BombPng(10_001, 1), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), [],
    ];

    public static readonly Gen<byte[]> Image = Mix((3, Gen.OneOf(Images)), (1, Gen.Byte.Array[0, 64]));

    private static readonly Gen<string> Base64 = Mix(
        (2, Gen.Select(Image, Gen.OneOf("data:image/png;base64,", "image/jpeg;base64,", "data:image/gif;base64,", "data:;base64,",
            "data:text/plain;base64,", "base64,"), (bytes, prefix) => prefix + Convert.ToBase64String(bytes))),
        (2, Gen.OneOf("data:image/png;base64,", "data:,", "data:image/png;base64,====", "data:image/png;base64,!!!!",
            "data:image/png,abc", "image/png;base64", "data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,AAAA AAAA",
            "data:image/png;base64,\0", "data:image/png;base64," + new string('A', 10_001))));

    /// <summary>What clients send in <c>avatar</c>/<c>cover</c> outside multipart: the current URL back (a full-profile user's), others.</summary>
    private static readonly Gen<string> ImageText = Gen.OneOf(
        "http://localhost/media/" + UserBuilder.Full.Avatar, "http://localhost/media/" + UserBuilder.Full.Cover,
        "http://evil.example/media/" + UserBuilder.Full.Avatar, UserBuilder.Full.Avatar, "https://example.com/a.png", "");

    /// <summary>A value for <paramref name="field"/>: mostly near its rule, sometimes hostile text, sometimes long.</summary>
    public static Gen<string> For(string field)
    {
        var nearRule = field switch
        {
            UserFields.Username => Username,
            UserFields.LocationLatLng or UserFields.PositionLatLng => LatLng,
            UserFields.DateOfBirth => Date,
            UserFields.Website => Url,
            UserFields.Gender => Gender,
            UserFields.AvatarBase64 or UserFields.CoverBase64 => Base64,
            UserFields.Avatar or UserFields.Cover => ImageText,
            _ => Text,
        };
        return Mix((6, nearRule), (2, Text), (1, LongText));
    }

    /// <summary>A JSON value for <paramref name="field"/> as JSON text: a string mostly, else any other JSON type or deep nesting.</summary>
    public static Gen<string> JsonFor(string field) => Mix(
        (10, For(field).Select(JsonString)),
        (1, Gen.Const("null")),
        (2, Gen.OneOf("0", "-0", "1", "-1", "1.5", "1e309", "-1e309", "9223372036854775808", "1E-400",
            "123456789012345678901234567890", "true", "false", "[]", "{}", "[\"x\"]", "{\"a\":\"b\"}", "\"\"")),
        (1, Gen.Int[1, 80].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Int[1, 80].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))));

    /// <summary>One of <paramref name="choices"/>, each as often as its weight (CsCheck's <c>Frequency</c> over generators).</summary>
    public static Gen<T> Mix<T>(params (int Weight, IGen<T> Gen)[] choices) => Gen.Frequency<T>(choices);

    /// <summary>
    /// A JSON string literal of <paramref name="value"/>. Surrogates are written as <c>\uXXXX</c> escapes, so a lone one
    /// survives (a JSON writer would refuse it); other non-ASCII text is written raw.
    /// </summary>
    public static string JsonString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var json = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c < ' ' || char.IsSurrogate(c))
            {
                json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                json.Append(c);
            }
        }

        return json.Append('"').ToString();
    }
}

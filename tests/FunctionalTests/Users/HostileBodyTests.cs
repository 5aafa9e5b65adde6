using System.Net;
using System.Text;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Users;

/// <summary>"No request ever produces a 500 that a client could have caused": malformed text and bodies of every kind.</summary>
public class HostileBodyTests(TestApp app) : IClassFixture<TestApp>
{
    public static TheoryData<string, string> ParseErrors => new()
    {
        { "application/json", """{"bio": "\ud800"}""" },
        { "application/json", """{"bio": "\udc00 after"}""" },
        { "application/json", """{"\ud800": "x"}""" },
        { "application/json", """{"tags": ["\ud800"], "bio": "x"}""" },
        { "application/merge-patch+json", """{"real_name": "\ud83d"}""" },
        { "application/json-patch+json", """[{"op": "replace", "path": "/bio", "value": "\ud800"}]""" },
        { "application/json-patch+json", """[{"op": "replace", "path": "/\ud800", "value": "x"}]""" },
        { "application/json", "{\"bio\": " + new string('[', 200) },
        { "application/json", "{\"bio\": \"x\"} trailing" },
    };

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public async Task Text_that_is_not_unicode_or_not_json_is_400_parse_error_and_changes_nothing(string contentType, string body)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await app.ClientFor(id).PatchAsync(id, Api.Raw(body, contentType));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "parse_error");
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/json-patch+json")]
    public async Task Invalid_utf8_bytes_are_400_parse_error(string contentType)
    {
        var id = await app.CreateUserAsync();
        var prefix = contentType.EndsWith("json-patch+json", StringComparison.Ordinal)
            ? "[{\"op\":\"replace\",\"path\":\"/bio\",\"value\":\""u8.ToArray()
            : "{\"bio\":\""u8.ToArray();
        var suffix = contentType.EndsWith("json-patch+json", StringComparison.Ordinal) ? "\"}]"u8.ToArray() : "\"}"u8.ToArray();
        byte[] body = [.. prefix, 0xFF, 0xFE, 0xC0, .. suffix];

        var response = await app.ClientFor(id).PatchAsync(id, Api.Bytes(body, contentType));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "parse_error");
    }

    /// <summary>JSON whose bytes are not text where the service does not read the value: it is refused all the same.</summary>
    public static TheoryData<string, byte[]> NotTextWhereIgnored => new()
    {
        { "an ignored field", [.. "{\"nope\":\""u8.ToArray(), 0xC3, 0x28, .. "\",\"bio\":\"x\"}"u8.ToArray()] },
        { "an ignored array", [.. "{\"tags\":[\"ok\",{\"deep\":\""u8.ToArray(), 0xFF, .. "\"}],\"bio\":\"x\"}"u8.ToArray()] },
        { "a key", [.. "{\""u8.ToArray(), 0xED, 0xA0, 0x80, .. "\":\"x\",\"bio\":\"x\"}"u8.ToArray()] },
        { "a document that is not an object", [.. "[\""u8.ToArray(), 0xFF, .. "\"]"u8.ToArray()] },
    };

    [Theory]
    [MemberData(nameof(NotTextWhereIgnored))]
    public async Task Json_bytes_that_are_not_text_are_400_parse_error_even_in_what_is_ignored(string where, byte[] body)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);

        var response = await app.ClientFor(id).PatchAsync(id, Api.Bytes(body, "application/json"));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "parse_error");
        Assert.True(before == await app.ReadUserAsync(id), where);
    }

    /// <summary>Bytes that are not text: invalid UTF-8, and UTF-8 or UTF-16 for a lone surrogate (U+D800).</summary>
    public static TheoryData<string, byte[]> NotText => new()
    {
        { "form, escaped lone surrogate", "bio=%ED%A0%80"u8.ToArray() },
        { "form, escaped invalid UTF-8", "location=Roma&real_name=%C3%28"u8.ToArray() },
        { "form, raw invalid UTF-8", [.. "bio="u8.ToArray(), 0xFF, 0xFE] },
        { "form, invalid UTF-8 in an ignored key", "nope=%FF&bio=x"u8.ToArray() },
        { "form, UTF-7 (a charset the runtime refuses)", "bio=hello"u8.ToArray() },
        { "multipart, lone surrogate", [0xED, 0xA0, 0x80] },
        { "multipart, invalid UTF-8", [0x41, 0xC3, 0x28] },
        { "multipart, UTF-16 lone surrogate", [0x00, 0xD8, 0x41, 0x00] },
        { "multipart, UTF-7 (a charset the runtime refuses)", "hello"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(NotText))]
    public async Task Form_and_multipart_text_that_is_not_unicode_is_400_parse_error_as_in_json(string kind, byte[] text)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        HttpContent body;
        if (kind.StartsWith("form", StringComparison.Ordinal))
        {
            body = Api.Bytes(text, "application/x-www-form-urlencoded" + (kind.Contains("UTF-7", StringComparison.Ordinal) ? "; charset=utf-7" : ""));
        }
        else
        {
            var part = new ByteArrayContent(text);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain")
            {
                CharSet = kind.Contains("UTF-16", StringComparison.Ordinal) ? "utf-16"
                    : kind.Contains("UTF-7", StringComparison.Ordinal) ? "utf-7" : "utf-8",
            };
            body = new MultipartFormDataContent { { new StringContent("Roma"), "location" }, { part, "bio" } };
        }

        using (body)
        {
            var response = await client.PatchAsync(id, body);

            await response.AssertErrorAsync(HttpStatusCode.BadRequest, "parse_error");
        }

        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    public static TheoryData<string, byte[]> OddBodies => new()
    {
        { "multipart/form-data; boundary=b", Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"bio\"\r\n\r\nno end") },
        { "multipart/form-data; boundary=b", Encoding.ASCII.GetBytes("garbage without any boundary") },
        { "multipart/form-data", Encoding.ASCII.GetBytes("--x\r\n\r\n--x--") },
        { "multipart/form-data; boundary=b", [0x2D, 0x2D, 0x62, 0x0D, 0x0A, 0xFF, 0xFE, 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x2D, 0x2D, 0x62, 0x2D, 0x2D] },
        { "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes("bio=%ZZ%&=&&real_name=%C3%28") },
        { "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(string.Join("&", Enumerable.Range(0, 5000).Select(i => $"k{i}=v"))) },
        { "application/json; charset=utf-16", Encoding.Unicode.GetBytes("{\"bio\": \"x\"}") },
        { "application/json", [0xEF, 0xBB, 0xBF, .. "{\"bio\": \"bom\"}"u8.ToArray()] },
        // A file name parameter without a value (found by the fuzz, seed 5Z0hVWASbnP2): no file chosen, not a 500.
        { "multipart/form-data; boundary=b", Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"cover\"; filename=\"\"; filename*\r\n\r\n\r\n--b--\r\n") },
        { "multipart/form-data; boundary=b", Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"avatar\"; filename*\r\n\r\nxx\r\n--b--\r\n") },
    };

    [Theory]
    [MemberData(nameof(OddBodies))]
    public async Task Odd_bodies_never_get_a_5xx(string contentType, byte[] body)
    {
        var id = await app.CreateUserAsync();

        var response = await app.ClientFor(id).PatchAsync(id, Api.Bytes(body, contentType));

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}

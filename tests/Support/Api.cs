using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CleanUser.Tests.Support;

/// <summary>
/// Requests to the user resource in the shapes real clients send, and assertions on the answers: a user is a 200
/// <c>application/json</c> object; a refusal is an <c>application/problem+json</c> body with <c>type</c>,
/// <c>title</c>, <c>status</c> and a non-empty <c>errors</c> list, whose entries are either one non-field error
/// (<c>code</c> + <c>message</c>) or a field with its <c>messages[{code, message}]</c>.
/// </summary>
public static class Api
{
    public static string UserPath(long id) => $"/api/v2/user/{id}/";

    public static Uri UserUri(long id) => new(UserPath(id), UriKind.Relative);

    /// <summary>A path on the service, for <c>client.GetAsync(Api.Relative("/health/ready"))</c>.</summary>
    public static Uri Relative(string path) => new(path, UriKind.Relative);

    /// <summary>A JSON body from an anonymous object or dictionary, keys written exactly as given.</summary>
    public static HttpContent Json(object body, string mediaType = "application/json") =>
        Raw(JsonSerializer.Serialize(body), mediaType);

    /// <summary>A body with exactly this <c>Content-Type</c> (no charset added unless given).</summary>
    public static HttpContent Raw(string body, string contentType) => Bytes(Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>These bytes, with exactly this <c>Content-Type</c>.</summary>
    public static HttpContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>An <c>application/x-www-form-urlencoded</c> body; a name may come twice.</summary>
    public static HttpContent Form(params (string Name, string Value)[] fields) =>
        new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>A <c>multipart/form-data</c> body: text parts (name, value), then file parts (name, bytes, file name).</summary>
    public static MultipartFormDataContent Multipart(IEnumerable<(string Name, byte[] Content, string FileName)> files,
        params (string Name, string Value)[] texts)
    {
        ArgumentNullException.ThrowIfNull(files);
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in texts)
        {
            form.Add(new StringContent(value), name);
        }

        foreach (var (name, content, fileName) in files)
        {
            var part = new ByteArrayContent(content);
            // The declared type is deliberately generic: the service must decide from the bytes.
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, name, fileName);
        }

        return form;
    }

    /// <summary>A <c>data:</c> URL (or, without the prefix, the bare <c>type;base64,…</c> some clients send).</summary>
    public static string DataUrl(byte[] content, string mediaType = "image/png", bool dataPrefix = true) =>
        $"{(dataPrefix ? "data:" : string.Empty)}{mediaType};base64,{Convert.ToBase64String(content)}";

    /// <summary>The media key inside an absolute image URL (<c>http://localhost/media/avatars/….jpg</c>).</summary>
    public static string KeyOf(string url)
    {
        var path = new Uri(url).AbsolutePath;
        Assert.StartsWith("/media/", path, StringComparison.Ordinal);
        return path["/media/".Length..];
    }

    /// <summary>Sends <c>Authorization: {scheme} {token}</c> from now on.</summary>
    public static HttpClient WithToken(this HttpClient client, string? token, string scheme = "Bearer")
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new(scheme, token);
        return client;
    }

    public static Task<HttpResponseMessage> GetUserAsync(this HttpClient client, long id)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetAsync(UserUri(id));
    }

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, long id, HttpContent? content)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.PatchAsync(UserUri(id), content);
    }

    public static Task<HttpResponseMessage> PutAsync(this HttpClient client, long id, HttpContent content)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.PutAsync(UserUri(id), content);
    }

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, long id, object body,
        string mediaType = "application/json") =>
        client.PatchAsync(id, Json(body, mediaType));

    public static Task<HttpResponseMessage> PatchFormAsync(this HttpClient client, long id, params (string Name, string Value)[] fields) =>
        client.PatchAsync(id, Form(fields));

    public static Task<HttpResponseMessage> PatchMultipartAsync(this HttpClient client, long id,
        IEnumerable<(string Name, byte[] Content, string FileName)> files, params (string Name, string Value)[] texts) =>
        client.PatchAsync(id, Multipart(files, texts));

    public static Task<HttpResponseMessage> PatchFileAsync(this HttpClient client, long id, string field, byte[] content,
        string fileName = "image.bin") =>
        client.PatchMultipartAsync(id, [(field, content, fileName)]);

    /// <summary>
    /// Uploads <paramref name="picture"/> as the image <paramref name="field"/> (<c>avatar</c> or <c>cover</c>) in a
    /// multipart PATCH, and returns the image's URL from the 200 response.
    /// </summary>
    public static async Task<string> UploadAsync(this HttpClient client, long id, string field, byte[] picture, string fileName = "image.bin")
    {
        var user = await (await client.PatchFileAsync(id, field, picture, fileName)).ReadUserAsync();
        return user.GetProperty(field).GetString()!;
    }

    /// <summary>A 200 with a JSON user; returns its root element.</summary>
    public static async Task<JsonElement> ReadUserAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A problem body with this status; returns its root element.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Array, problem.GetProperty("errors").ValueKind);
        Assert.NotEqual(0, problem.GetProperty("errors").GetArrayLength());
        return problem;
    }

    /// <summary>A problem whose only error is the non-field error <paramref name="code"/> (<c>code</c> + <c>message</c>).</summary>
    public static async Task AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ReadProblemAsync(status);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(error.TryGetProperty("field", out _));
    }

    /// <summary>A 400 listing exactly these field errors, in this order, each as <c>field</c> + <c>messages[{code, message}]</c>.</summary>
    public static async Task AssertFieldErrorsAsync(this HttpResponseMessage response, params (string Field, string Code)[] expected) =>
        Assert.Equal(expected, FieldErrors(await response.ReadProblemAsync(HttpStatusCode.BadRequest)));

    /// <summary>The (field, code) pairs of a problem body, in order; every error must name its field.</summary>
    public static List<(string Field, string Code)> FieldErrors(JsonElement problem)
    {
        var found = new List<(string, string)>();
        foreach (var error in problem.GetProperty("errors").EnumerateArray())
        {
            var field = error.GetProperty("field").GetString()!;
            var messages = error.GetProperty("messages");
            Assert.NotEqual(0, messages.GetArrayLength());
            foreach (var message in messages.EnumerateArray())
            {
                Assert.False(string.IsNullOrWhiteSpace(message.GetProperty("message").GetString()));
                found.Add((field, message.GetProperty("code").GetString()!));
            }
        }

        return found;
    }
}

/// <summary>
/// JWTs made by hand (base64url + HMAC from the BCL), so every header field and claim is under the test's
/// control — including the broken ones a real issuer would never produce. Tokens the service itself issues come
/// from <see cref="TestApp.TokenFor"/>.
/// </summary>
public static class Jwt
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>
    /// The claims of a valid access token (<c>token_type</c> access, <c>user_id</c>, <c>iat</c>, <c>exp</c>, <c>jti</c>);
    /// tests remove or change one of them.
    /// </summary>
    public static Dictionary<string, object> AccessClaims(long userId) => new()
    {
        ["token_type"] = "access",
        ["user_id"] = userId,
        ["iat"] = Now,
        ["exp"] = Now + 3600,
        ["jti"] = Guid.NewGuid().ToString("N"),
    };

    public static string Hs256(IReadOnlyDictionary<string, object> claims, string key = TestApp.SigningKey) =>
        Hs256(Header("HS256"), claims, key);

    /// <summary>HS256 with the header <paramref name="header"/> (which names its own <c>alg</c>).</summary>
    public static string Hs256(IReadOnlyDictionary<string, object> header, IReadOnlyDictionary<string, object> claims,
        string key = TestApp.SigningKey) =>
        Hs256Json(JsonSerializer.Serialize(header), JsonSerializer.Serialize(claims), key);

    /// <summary>HS256 over exactly this header and payload text: for what a dictionary cannot say (a claim twice).</summary>
    public static string Hs256Json(string header, string payload, string key = TestApp.SigningKey) =>
        Sign(header, payload, input => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), input));

    public static string Hs512(IReadOnlyDictionary<string, object> claims, string key = TestApp.SigningKey) =>
        Sign(JsonSerializer.Serialize(Header("HS512")), JsonSerializer.Serialize(claims),
            input => HMACSHA512.HashData(Encoding.UTF8.GetBytes(key), input));

    /// <summary><c>alg: none</c> with an empty signature.</summary>
    public static string AlgNone(IReadOnlyDictionary<string, object> claims) =>
        Sign(JsonSerializer.Serialize(Header("none")), JsonSerializer.Serialize(claims), _ => []);

    /// <summary>A JSON value written exactly as <paramref name="json"/> (<c>3.0</c> stays <c>3.0</c>), as a claim or header value.</summary>
    public static JsonElement Raw(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Whether <paramref name="token"/> carries the HS256 signature of its first two segments under <paramref name="key"/>.</summary>
    public static bool IsSignedWith(string token, string key)
    {
        var end = token.LastIndexOf('.');
        return Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(token[..end]))) == token[(end + 1)..];
    }

    public static Dictionary<string, object> Header(string alg) => new() { ["alg"] = alg, ["typ"] = "JWT" };

    private static string Sign(string header, string payload, Func<byte[], byte[]> signature)
    {
        var signingInput = Encode(Encoding.UTF8.GetBytes(header)) + "." + Encode(Encoding.UTF8.GetBytes(payload));
        return signingInput + "." + Encode(signature(Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CleanUser.IntegrationTests.Images;

/// <summary>The requests the tests send, in the shapes real clients use.</summary>
public static class Api
{
    public static string UserPath(long id) => $"/api/v2/user/{id}/";

    /// <summary>A multipart PATCH: file parts (name, bytes, file name) and text parts (name, value).</summary>
    public static Task<HttpResponseMessage> PatchMultipartAsync(HttpClient client, long id,
        IEnumerable<(string Name, byte[] Content, string FileName)> files, params (string Name, string Value)[] texts)
    {
        ArgumentNullException.ThrowIfNull(client);
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

        return client.PatchAsync(UserPath(id), form);
    }

    public static Task<HttpResponseMessage> PatchFileAsync(HttpClient client, long id, string field, byte[] content,
        string fileName = "image.bin") =>
        PatchMultipartAsync(client, id, [(field, content, fileName)]);

    public static Task<HttpResponseMessage> PatchJsonAsync(HttpClient client, long id, object body,
        string mediaType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(client);
        var content = JsonContent.Create(body, body.GetType(), new MediaTypeHeaderValue(mediaType));
        return client.PatchAsync(UserPath(id), content);
    }

    public static Task<HttpResponseMessage> PatchFormAsync(HttpClient client, long id, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.PatchAsync(UserPath(id),
            new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
    }

    /// <summary>The body of a 200 user response.</summary>
    public static async Task<JsonElement> UserAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The (field, code) pairs of a SPEC §9 problem body.</summary>
    public static async Task<List<(string Field, string Code)>> FieldErrorsAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("errors").EnumerateArray()
            .Where(e => e.TryGetProperty("field", out _))
            .SelectMany(e => e.GetProperty("messages").EnumerateArray()
                .Select(m => (e.GetProperty("field").GetString()!, m.GetProperty("code").GetString()!)))
            .ToList();
    }

    /// <summary>The media key inside an absolute image URL (<c>http://localhost/media/avatars/….jpg</c>).</summary>
    public static string KeyOf(string url)
    {
        var path = new Uri(url).AbsolutePath;
        Assert.StartsWith("/media/", path, StringComparison.Ordinal);
        return path["/media/".Length..];
    }

    public static string DataUrl(byte[] content, string mediaType = "image/png", bool dataPrefix = true) =>
        $"{(dataPrefix ? "data:" : string.Empty)}{mediaType};base64,{Convert.ToBase64String(content)}";
}

/// <summary>Waits for something the service does in the background, polling, with a generous bound.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 15)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting: {what}");
            }

            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 15) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutSeconds);
}

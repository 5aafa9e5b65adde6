using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CleanUser.FunctionalTests.Infrastructure;

/// <summary>Requests to the user resource and assertions on its answers (SPEC §6 and §9).</summary>
public static class Api
{
    public static string UserPath(long id) => $"/api/v2/user/{id}/";

    /// <summary>A JSON body from an anonymous object or dictionary, keys written exactly as given.</summary>
    public static HttpContent Json(object body, string mediaType = "application/json") =>
        Raw(JsonSerializer.Serialize(body), mediaType);

    /// <summary>A body with exactly this <c>Content-Type</c> (no charset added unless given).</summary>
    public static HttpContent Raw(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, long id, HttpContent? content) =>
        client.PatchAsync(new Uri(UserPath(id), UriKind.Relative), content);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, long id, object body) =>
        client.PatchAsync(id, Json(body));

    /// <summary>A 200 with a JSON user; returns its root element.</summary>
    public static async Task<JsonElement> ReadUserAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A SPEC §9 problem body with this status; returns its root element.</summary>
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
    public static async Task AssertFieldErrorsAsync(this HttpResponseMessage response, params (string Field, string Code)[] expected)
    {
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(expected, FieldErrors(problem));
    }

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

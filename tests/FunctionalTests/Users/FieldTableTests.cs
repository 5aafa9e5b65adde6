using System.Net;
using System.Text.Json;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// Walks the field table (docs/adding-a-field.md): every text field of <see cref="ProfileFields.All"/> is set through
/// every content type, and a value that breaks its rule is refused naming that field. A field added to the table
/// without a sample here fails the first test, and one the read side does not show fails it too. Images have their own
/// suite (IntegrationTests.Images).
/// </summary>
public sealed class FieldTableTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Unique = "{unique}";

    /// <summary>Per field: what is sent, what the response shows, a value its rule refuses and the code it gets.</summary>
    private static readonly Dictionary<string, (string Sent, string Shown, string Bad, string Code)> Samples = new()
    {
        ["username"] = (Unique, Unique, "a b", "invalid"),
        ["real_name"] = ("Ada L.", "Ada L.", "line\nbreak", "invalid"),
        ["bio"] = ("Line 1\nLine 2", "Line 1\nLine 2", new string('b', 5001), "max_length"),
        ["location"] = ("Milano", "Milano", new string('l', 101), "max_length"),
        ["location_lat_lng"] = ("45.4642, 9.1900", "45.4642,9.19", "91,0", "invalid"),
        ["position_lat_lng"] = ("-33.5,151.25", "-33.5,151.25", "0,181", "invalid"),
        ["date_of_birth"] = ("1990-05-17", "1990-05-17", "1990-13-01", "invalid"),
        ["description"] = ("Keeps the lights on", "Keeps the lights on", new string('d', 51), "max_length"),
        ["gender"] = ("female", "Female", "robot", "invalid_choice"),
        ["website"] = ("https://example.org", "https://example.org", "nope", "invalid"),
    };

    private static readonly string[] ContentTypes =
        ["application/json", "application/merge-patch+json", "application/x-www-form-urlencoded", "multipart/form-data", "application/json-patch+json"];

    public static TheoryData<string, string> TextFieldsByContentType()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in ProfileFields.All.Where(f => f.Image is null))
        {
            foreach (var contentType in ContentTypes)
            {
                data.Add(field.Name, contentType);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TextFieldsByContentType))]
    public async Task Every_text_field_of_the_table_is_set_through_every_content_type(string field, string contentType)
    {
        Assert.True(Samples.ContainsKey(field), $"No sample for the field '{field}': add one to {nameof(Samples)}.");
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        var name = UserBuilder.UniqueName("ft");
        var (sent, shown, _, _) = Samples[field];

        using var response = await client.PatchAsync(id, Body(contentType, field, sent.Replace(Unique, name, StringComparison.Ordinal)));

        // The answer shows it, and so does a read afterwards (reads map the stored columns themselves, docs/adr/0025-read-model.md).
        var expected = shown.Replace(Unique, name, StringComparison.Ordinal);
        Assert.Equal(expected, (await response.ReadUserAsync()).GetProperty(field).GetString());
        using var read = await client.GetUserAsync(id);
        Assert.Equal(expected, (await read.ReadUserAsync()).GetProperty(field).GetString());
    }

    [Theory]
    [MemberData(nameof(TextFieldsByContentType))]
    public async Task A_value_that_breaks_a_fields_rule_is_refused_naming_the_field_through_every_content_type(string field, string contentType)
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        var (_, _, bad, code) = Samples[field];

        using var response = await client.PatchAsync(id, Body(contentType, field, bad));

        await response.AssertFieldErrorsAsync((field, code));
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    private static HttpContent Body(string contentType, string field, string value) => contentType switch
    {
        "application/x-www-form-urlencoded" => Api.Form((field, value)),
        "multipart/form-data" => Api.Multipart([], (field, value)),
        "application/json-patch+json" => Api.Raw(
            JsonSerializer.Serialize(new[] { new { op = "replace", path = "/" + field, value } }), contentType),
        _ => Api.Raw(JsonSerializer.Serialize(new Dictionary<string, string> { [field] = value }), contentType),
    };
}

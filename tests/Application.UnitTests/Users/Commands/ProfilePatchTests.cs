using CleanUser.Application.Common.Media;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// <see cref="ProfilePatch.Parse"/> reads every field of <see cref="ProfileFields.All"/>: a valid text becomes the
/// typed value in the patch, an invalid one a violation named after the field, and <c>null</c> or blank text resets
/// the field where docs/api.md#request-bodies says it does. The samples below are keyed by wire name; a field added to
/// the table without samples fails <see cref="Every_field_of_the_table_has_samples_here"/>.
/// </summary>
public class ProfilePatchTests
{
    private const string Url = "https://cdn.example/media/avatars/a.jpg";

    private static readonly string Long51 = new('x', 51);

    private static readonly Dictionary<string, Sample> Samples = new(StringComparer.Ordinal)
    {
        ["username"] = new(" alice_l ", "alice_l", "a b", RuleCodes.Invalid, Refused(RuleCodes.Null), Refused(RuleCodes.Blank)),
        ["real_name"] = new(" Alice Liddell ", "Alice Liddell", new string('x', 256), RuleCodes.MaxLength, Holds(""), Holds("")),
        ["bio"] = new("Line one\nLine two ", "Line one\nLine two", "a\0b", RuleCodes.NullCharactersNotAllowed, Holds(""), Holds("")),
        ["location"] = new("Milan", "Milan", "a\nb", RuleCodes.Invalid, Holds(""), Holds("")),
        ["location_lat_lng"] = new("45.46420, 9.190", "45.4642,9.19", "91,0", RuleCodes.Invalid, Holds(null), Holds(null)),
        ["position_lat_lng"] = new("-0,12.5", "0,12.5", "abc", RuleCodes.Invalid, Holds(null), Holds(null)),
        ["date_of_birth"] = new(" 1990-05-04 ", "1990-05-04", "1990-5-4", RuleCodes.Invalid, Holds(null), Holds(null)),
        ["description"] = new("Explorer", "Explorer", Long51, RuleCodes.MaxLength, Holds(""), Holds("")),
        ["gender"] = new("FEMALE", "Female", "other", RuleCodes.InvalidChoice, Holds("Unspecified"), Refused(RuleCodes.InvalidChoice)),
        ["website"] = new(" https://alice.example ", "https://alice.example", "ftp://x", RuleCodes.Invalid, Holds(""), Holds("")),
        // Any avatar/cover text is kept for the validator, which compares it with the current URL.
        ["avatar"] = new(" " + Url + " ", "url " + Url, null, null, Holds("remove"), Holds("remove")),
        ["cover"] = new(Url, "url " + Url, null, null, Holds("remove"), Holds("remove")),
        ["avatar_base64"] = new("data:image/png;base64,AAECAw==", "upload AAECAw==", "not base64!", ImageRules.InvalidImage, Holds("remove"), Holds("remove")),
        ["cover_base64"] = new("image/png;base64,AAEC", "upload AAEC", "image/png,AAEC", ImageRules.InvalidImage, Holds("remove"), Holds("remove")),
    };

    public static TheoryData<string> Fields => new(ProfileFields.All.Select(f => f.Name));

    public static TheoryData<string> FieldsWithATextRule =>
        new(ProfileFields.All.Where(f => Samples.GetValueOrDefault(f.Name)?.Invalid is not null).Select(f => f.Name));

    [Fact]
    public void Every_field_of_the_table_has_samples_here() =>
        Assert.Equal(Samples.Keys.Order(StringComparer.Ordinal), ProfileFields.All.Select(f => f.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void The_table_holds_the_documented_fields_with_the_text_fields_in_the_documented_order()
    {
        // docs/api.md#fields; errors come back in this order.
        Assert.Equal(
            ["username", "real_name", "bio", "location", "location_lat_lng", "position_lat_lng", "date_of_birth", "description", "gender", "website"],
            ProfileFields.All.Where(f => f.Image is null).Select(f => f.Name));
        Assert.Equal(
            ["avatar", "avatar_base64", "cover", "cover_base64"],
            ProfileFields.All.Where(f => f.Image is not null).Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Only_the_image_url_fields_keep_any_text_for_the_validator()
    {
        var unruled = ProfileFields.All.Where(f => Samples[f.Name].Invalid is null).ToList();

        Assert.Equal(["avatar", "cover"], unruled.Select(f => f.Name));
        foreach (var field in unruled)
        {
            foreach (var text in new[] { "hello", "a\0b", "data:image/png;base64,AAEC", new string('x', 10_000) })
            {
                var patch = ProfilePatch.Of((field.Name, text));

                Assert.Empty(patch.Violations);
                Assert.Equal(Optional<string?>.Of("url " + text), await HeldAsync(patch, field));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task A_valid_value_lands_in_the_typed_patch_under_its_field_and_nowhere_else(string name)
    {
        var field = ProfileFields.Find(name)!;

        var patch = ProfilePatch.Of((name, Samples[name].Valid));

        Assert.Empty(patch.Violations);
        Assert.Equal([field], patch.Fields);
        Assert.Equal(Optional<string?>.Of(Samples[name].Parsed), await HeldAsync(patch, field));
        foreach (var other in ProfileFields.All.Where(f => f != field))
        {
            Assert.False((await HeldAsync(patch, other)).HasValue, $"{name} set {other.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(FieldsWithATextRule))]
    public async Task An_invalid_value_is_one_violation_on_that_field_and_no_value(string name)
    {
        var field = ProfileFields.Find(name)!;

        var patch = ProfilePatch.Of((name, Samples[name].Invalid));

        var violation = Assert.Single(patch.Violations);
        Assert.Same(field, violation.Field);
        Assert.Equal(Samples[name].InvalidCode, violation.Violation.Code);
        Assert.False(string.IsNullOrWhiteSpace(violation.Violation.Message));
        Assert.Equal([field], patch.Fields);
        foreach (var any in ProfileFields.All)
        {
            Assert.False((await HeldAsync(patch, any)).HasValue, $"{name} set {any.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Null_resets_the_field_where_it_may_be_reset(string name) =>
        await AssertOutcomeAsync(name, null, Samples[name].OnNull);

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Blank_text_resets_the_field_where_it_may_be_reset(string name)
    {
        await AssertOutcomeAsync(name, "", Samples[name].OnBlank);
        await AssertOutcomeAsync(name, "  ", Samples[name].OnBlank);
    }

    [Fact]
    public void Keys_that_name_no_writable_field_are_ignored()
    {
        var patch = ProfilePatch.Of(("id", "9"), ("reputation", "100"), ("tags", "x"), ("Bio", "case matters"), ("date_joined", "2020-01-01"));

        Assert.Empty(patch.Fields);
        Assert.Empty(patch.Violations);
        Assert.False(patch.Changes.Bio.HasValue);
    }

    [Fact]
    public void For_a_key_sent_twice_the_last_value_counts()
    {
        var patch = ProfilePatch.Of(("bio", "a\0b"), ("bio", "second"));

        Assert.Empty(patch.Violations);
        Assert.Equal("second", patch.Changes.Bio.Value.Value);
    }

    [Fact]
    public void Violations_come_in_field_order_whatever_the_order_of_the_body()
    {
        var patch = ProfilePatch.Of(("avatar_base64", "!"), ("website", "x"), ("gender", "x"), ("bio", "a\0b"), ("username", ""));

        Assert.Equal(["username", "bio", "gender", "website", "avatar_base64"], patch.Violations.Select(v => v.Field.Name));
    }

    [Fact]
    public void The_empty_patch_sends_nothing()
    {
        Assert.Empty(ProfilePatch.Empty.Fields);
        Assert.Empty(ProfilePatch.Empty.Violations);
        Assert.False(ProfilePatch.Empty.Username.HasValue);
        Assert.Null(ProfilePatch.Empty.Avatar);
        Assert.Null(ProfilePatch.Empty.Cover);
    }

    [Fact]
    public void A_file_replaces_the_image_under_the_field_it_came_in()
    {
        var upload = ImageUpload.FromBytes([1]);

        var patch = ProfilePatch.Parse([], [KeyValuePair.Create("cover", upload)]);

        Assert.Equal([ProfileFields.Cover], patch.Fields);
        Assert.Equal(new ImageEdit(ImageKind.Cover, ProfileFields.Cover, upload, null), patch.Cover);
        Assert.Null(patch.Avatar);
    }

    [Theory]
    [InlineData("avatar_base64")]
    [InlineData("bio")]
    [InlineData("photo")]
    public void A_file_under_any_other_key_is_ignored(string key)
    {
        var patch = ProfilePatch.Parse([], [KeyValuePair.Create(key, ImageUpload.FromBytes([1]))]);

        Assert.Empty(patch.Fields);
        Assert.Null(patch.Avatar);
        Assert.Null(patch.Cover);
    }

    [Fact]
    public void The_current_url_sent_beside_a_file_does_not_count()
    {
        var upload = ImageUpload.FromBytes([1]);

        var patch = ProfilePatch.Parse([KeyValuePair.Create<string, string?>("avatar", Url)], [KeyValuePair.Create("avatar", upload)]);

        Assert.Empty(patch.Violations);
        Assert.Same(upload, patch.Avatar!.Upload);
        Assert.Null(patch.Avatar.SentUrl);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_file_beside_blank_base64_replaces_the_image(string? base64)
    {
        var upload = ImageUpload.FromBytes([1]);

        var patch = ProfilePatch.Parse([KeyValuePair.Create("avatar_base64", base64)], [KeyValuePair.Create("avatar", upload)]);

        Assert.Empty(patch.Violations);
        Assert.Same(upload, patch.Avatar!.Upload);
        Assert.Same(ProfileFields.Avatar, patch.Avatar.Field);
    }

    [Fact]
    public void A_file_and_base64_for_the_same_image_are_refused_once_on_the_base64_field()
    {
        var patch = ProfilePatch.Parse(
            [KeyValuePair.Create<string, string?>("avatar_base64", "image/png;base64,AAEC")],
            [KeyValuePair.Create("avatar", ImageUpload.FromBytes([1]))]);

        var violation = Assert.Single(patch.Violations);
        Assert.Equal(("avatar_base64", RuleCodes.Invalid), (violation.Field.Name, violation.Violation.Code));
        Assert.Null(patch.Avatar);
    }

    [Fact]
    public void Base64_beside_the_url_text_replaces_the_image_under_the_base64_field()
    {
        var patch = ProfilePatch.Of(("cover", Url), ("cover_base64", "image/png;base64,AAEC"));

        Assert.Empty(patch.Violations);
        Assert.Same(ProfileFields.CoverBase64, patch.Cover!.Field);
        Assert.NotNull(patch.Cover.Upload);
        Assert.Null(patch.Cover.SentUrl);
    }

    [Fact]
    public void Avatar_and_cover_are_read_independently()
    {
        var patch = ProfilePatch.Of(("avatar", null), ("cover_base64", "AAEC"));

        Assert.True(patch.Avatar!.IsRemoval);
        Assert.Equal(ImageKind.Avatar, patch.Avatar.Kind);
        Assert.Equal(ImageKind.Cover, patch.Cover!.Kind);
        Assert.Equal(3, patch.Cover.Upload!.Length);
    }

    [Fact]
    public void Of_refuses_null() => Assert.Throws<ArgumentNullException>(() => ProfilePatch.Of(null!));

    private static async Task AssertOutcomeAsync(string name, string? raw, Outcome expected)
    {
        var field = ProfileFields.Find(name)!;

        var patch = ProfilePatch.Of((name, raw));

        Assert.Equal([field], patch.Fields);
        if (expected.Code is { } code)
        {
            var violation = Assert.Single(patch.Violations);
            Assert.Equal((name, code), (violation.Field.Name, violation.Violation.Code));
            Assert.False((await HeldAsync(patch, field)).HasValue);
        }
        else
        {
            Assert.Empty(patch.Violations);
            Assert.Equal(Optional<string?>.Of(expected.Value), await HeldAsync(patch, field));
        }
    }

    /// <summary>
    /// What the typed patch holds for <paramref name="field"/>, written as text: absent, or the value (a text field's
    /// value only if its own rule made it). Images: <c>remove</c>, <c>url …</c> (text kept for the validator) or
    /// <c>upload …</c> with the bytes in base64 — and only when the edit came in under this very field.
    /// </summary>
    private static async Task<Optional<string?>> HeldAsync(ProfilePatch patch, ProfileField field)
    {
        var changes = patch.Changes;
        return field.Name switch
        {
            "username" => patch.Username.Map(u => (string?)u.Value),
            "real_name" => Text(changes.RealName),
            "bio" => Text(changes.Bio),
            "location" => Text(changes.Location),
            "location_lat_lng" => changes.LocationLatLng.Map(p => p?.ToString()),
            "position_lat_lng" => changes.PositionLatLng.Map(p => p?.ToString()),
            "date_of_birth" => changes.DateOfBirth.Map(d => d?.ToString(BirthDate.Format, System.Globalization.CultureInfo.InvariantCulture)),
            "description" => Text(changes.Description),
            "gender" => changes.Gender.Map(g => (string?)g.ToString()),
            "website" => Text(changes.Website),
            "avatar" or "cover" or "avatar_base64" or "cover_base64" =>
                await ImageAsync(field.Image == ImageKind.Avatar ? patch.Avatar : patch.Cover, field),
            _ => throw new InvalidOperationException($"No reader for '{field.Name}' in this test; add one with its samples."),
        };

        Optional<string?> Text(Optional<ProfileText> text) =>
            text.Map<string?>(t => t.Field == field.Name ? t.Value : $"(made by the rule of {t.Field})");
    }

    private static async Task<Optional<string?>> ImageAsync(ImageEdit? edit, ProfileField field)
    {
        if (edit is null || !ReferenceEquals(edit.Field, field))
        {
            return Optional<string?>.Absent;
        }

        if (edit.Upload is { } upload)
        {
            return "upload " + Convert.ToBase64String(await upload.ReadAllBytesAsync(CancellationToken.None));
        }

        return edit.SentUrl is { } url ? "url " + url : "remove";
    }

    private static Outcome Holds(string? value) => new(value, null);

    private static Outcome Refused(string code) => new(null, code);

    /// <summary>What sending a value gives: the text the patch holds for the field, or a violation with this code.</summary>
    private sealed record Outcome(string? Value, string? Code);

    /// <param name="Valid">Text the field's rule accepts; <paramref name="Parsed"/> is what the patch then holds.</param>
    /// <param name="Invalid">Text the rule refuses with <paramref name="InvalidCode"/>; <c>null</c> when only the validator can refuse.</param>
    private sealed record Sample(string Valid, string Parsed, string? Invalid, string? InvalidCode, Outcome OnNull, Outcome OnBlank);
}

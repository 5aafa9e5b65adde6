using System.Globalization;
using System.Text.Json;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using MediatR;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using NSubstitute;
using static CleanUser.Application.UnitTests.Support.TestDoubles;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// JSON Patch (docs/json-patch.md) applies the document to the profile as clients read it and sends the difference on
/// as a <see cref="PatchUserCommand"/> through the mediator, so the same behaviors, validator and handler run. The
/// mediator is substituted: what matters here is which patch is sent, or that none is.
/// </summary>
public class JsonPatchUserCommandHandlerTests
{
    private static readonly UserDto Patched = new() { Id = AliceId, Username = "patched" };

    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IMediator _mediator = Substitute.For<IMediator>();
    private readonly User _alice = FilledInAlice();
    private readonly List<PatchUserCommand> _sent = [];

    public JsonPatchUserCommandHandlerTests()
    {
        _users.GetByIdAsync(AliceId, Arg.Any<CancellationToken>()).Returns(Task.FromResult<User?>(_alice));
        _mediator.Send(Arg.Do<PatchUserCommand>(_sent.Add), Arg.Any<CancellationToken>()).Returns(Patched);
    }

    private JsonPatchUserCommandHandler Handler() => new(_users, Mapper(MediaUrls()), _mediator);

    private Task<UserDto> Patch(string operations, CancellationToken cancellationToken = default) =>
        Handler().Handle(new JsonPatchUserCommand(AliceId, Document(operations)), cancellationToken);

    private static JsonPatchDocument Document(string json) => JsonSerializer.Deserialize<JsonPatchDocument>(json)!;

    private static IEnumerable<string> Names(ProfilePatch patch) => patch.Fields.Select(f => f.Name).Order(StringComparer.Ordinal);

    private void AssertNothingSent() => Assert.Empty(_sent);

    [Fact]
    public async Task Replace_copy_and_remove_send_the_fields_they_change_and_return_what_the_patch_returns()
    {
        using var cancellation = new CancellationTokenSource();

        var user = await Patch("""
            [{"op":"replace","path":"/bio","value":"New bio"},
             {"op":"copy","from":"/real_name","path":"/location"},
             {"op":"remove","path":"/real_name"}]
            """, cancellation.Token);

        Assert.Same(Patched, user);
        var sent = Assert.Single(_sent);
        Assert.Equal(AliceId, sent.UserId);
        Assert.False(sent.IsFullUpdate);
        Assert.Equal(["bio", "location", "real_name"], Names(sent.Patch));
        Assert.Empty(sent.Patch.Violations);
        Assert.Equal("New bio", sent.Patch.Changes.Bio.Value.Value);
        Assert.Equal(Full.RealName, sent.Patch.Changes.Location.Value.Value);
        Assert.Equal("", sent.Patch.Changes.RealName.Value.Value); // removed: reset, as null resets it in any body
        await _mediator.Received(1).Send(Arg.Any<PatchUserCommand>(), cancellation.Token);
    }

    [Fact]
    public async Task Fields_the_document_leaves_as_they_were_are_not_sent()
    {
        await Patch($$"""
            [{"op":"replace","path":"/location","value":"{{Full.Location}}"},
             {"op":"replace","path":"/gender","value":"Male"},
             {"op":"replace","path":"/gender","value":"{{Full.Gender}}"},
             {"op":"test","path":"/website","value":"{{Full.Website}}"}]
            """);

        Assert.Empty(Assert.Single(_sent).Patch.Fields);
    }

    [Fact]
    public async Task Tests_see_the_profile_as_clients_read_it()
    {
        var born = Full.DateOfBirth.ToString("O", CultureInfo.InvariantCulture);

        await Patch($$"""
            [{"op":"test","path":"/username","value":"alice"},
             {"op":"test","path":"/gender","value":"{{Full.Gender}}"},
             {"op":"test","path":"/date_of_birth","value":"{{born}}"},
             {"op":"test","path":"/location_lat_lng","value":"{{Full.LocationLatLng}}"},
             {"op":"test","path":"/avatar","value":"{{MediaBase + AvatarKey}}"},
             {"op":"replace","path":"/description","value":"Tested"}]
            """);

        var sent = Assert.Single(_sent);
        Assert.Equal(["description"], Names(sent.Patch));
    }

    [Fact]
    public async Task Removing_an_image_sends_its_removal()
    {
        await Patch("""[{"op":"remove","path":"/avatar"}]""");

        var sent = Assert.Single(_sent);
        Assert.True(sent.Patch.Avatar!.IsRemoval);
        Assert.Null(sent.Patch.Cover);
    }

    [Fact]
    public async Task Base64_added_by_the_document_is_sent_as_a_new_image()
    {
        await Patch("""[{"op":"add","path":"/cover_base64","value":"image/png;base64,AAEC"}]""");

        var cover = Assert.Single(_sent).Patch.Cover!;
        Assert.Same(ProfileFields.CoverBase64, cover.Field);
        Assert.Equal([0, 1, 2], await cover.Upload!.ReadAllBytesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_valid_document_that_makes_an_invalid_profile_sends_the_violation_on_for_the_pipeline_to_report()
    {
        await Patch("""[{"op":"replace","path":"/username","value":"a b"}]""");

        var sent = Assert.Single(_sent);
        var violation = Assert.Single(sent.Patch.Violations);
        Assert.Equal((UserFields.Username, RuleCodes.Invalid), (violation.Field.Name, violation.Violation.Code));
        Assert.False(sent.Patch.Username.HasValue);
        Assert.Equal("alice", _alice.Username.Value);
    }

    [Fact]
    public async Task A_failed_test_is_a_409_test_failed_and_nothing_is_sent()
    {
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => Patch("""
            [{"op":"replace","path":"/bio","value":"changed"},{"op":"test","path":"/username","value":"bob"}]
            """));

        Assert.Equal("test_failed", conflict.Code);
        Assert.Contains("Operation 1 (test /username)", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(Full.Bio, _alice.Bio);
        AssertNothingSent();
    }

    [Fact]
    public async Task Each_failure_is_reported_with_the_index_of_its_operation()
    {
        var invalid = await Assert.ThrowsAsync<InvalidPatchException>(() => Patch("""
            [{"op":"remove","path":"/bio"},{"op":"remove","path":"/bio"},
             {"op":"replace","path":"/location","value":"Roma"},{"op":"replace","path":"/bio","value":"x"}]
            """));

        Assert.Collection(invalid.Problems,
            p => Assert.StartsWith("Operation 1 (remove /bio): ", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Operation 3 (replace /bio): ", p, StringComparison.Ordinal));
        AssertNothingSent();
    }

    [Fact]
    public async Task Past_the_first_ten_failures_the_rest_are_only_counted_and_long_values_are_cut()
    {
        var value = new string('v', 10_000);
        var operations = string.Join(",", Enumerable.Repeat($$"""{"op":"test","path":"/bio","value":"{{value}}"}""", 25));

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => Patch($"[{operations}]"));

        Assert.Contains("Operation 9 (test /bio)", conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Operation 10 (", conflict.Message, StringComparison.Ordinal);
        Assert.EndsWith("And 15 more operations failed.", conflict.Message, StringComparison.Ordinal);
        Assert.True(conflict.Message.Length < PatchProblems.MaxReported * (PatchProblems.MaxMessageLength + 50), conflict.Message);
        AssertNothingSent();
    }

    [Theory]
    [InlineData("/reputation")]
    [InlineData("/id")]
    [InlineData("/tags/0")]
    [InlineData("/nope")]
    public async Task A_path_that_is_not_a_writable_field_is_refused_naming_the_operation(string path)
    {
        var invalid = await Assert.ThrowsAsync<InvalidPatchException>(() => Patch($$"""
            [{"op":"replace","path":"/bio","value":"changed"},{"op":"replace","path":"{{path}}","value":"1"}]
            """));

        Assert.Contains($"Operation 1 (replace {path})", invalid.Problems.Single(), StringComparison.Ordinal);
        Assert.Equal(Full.Bio, _alice.Bio);
        AssertNothingSent();
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_failed_precondition_and_nothing_is_sent()
    {
        var command = new JsonPatchUserCommand(AliceId, Document("""[{"op":"replace","path":"/bio","value":"x"}]"""))
        {
            ExpectedVersions = [_alice.Version + 1],
        };

        await Assert.ThrowsAsync<PreconditionFailedException>(() => Handler().Handle(command, CancellationToken.None));

        Assert.Equal(Full.Bio, _alice.Bio);
        AssertNothingSent();
    }

    [Fact]
    public async Task An_unknown_user_is_not_found_and_nothing_is_sent()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() =>
            Handler().Handle(new JsonPatchUserCommand(999, Document("""[{"op":"replace","path":"/bio","value":"x"}]""")), CancellationToken.None));

        Assert.Equal(999L, exception.Key);
        AssertNothingSent();
    }

    [Fact]
    public async Task A_null_command_is_refused() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() => Handler().Handle(null!, CancellationToken.None));
}

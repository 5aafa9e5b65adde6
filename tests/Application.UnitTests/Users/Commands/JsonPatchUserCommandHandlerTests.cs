using System.Text.Json;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using FluentValidation;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>The JSON Patch path in isolation: ports substituted, the real validator and editor.</summary>
public class JsonPatchUserCommandHandlerTests
{
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IUsernameUniquenessChecker _uniqueness = Substitute.For<IUsernameUniquenessChecker>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IMediaUrls _mediaUrls = TestDoubles.MediaUrls();
    private readonly User _alice = TestDoubles.Alice();

    public JsonPatchUserCommandHandlerTests()
    {
        _users.GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(Task.FromResult<User?>(_alice));
        _alice.UpdateProfile(new ProfileChanges { RealName = "Alice Liddell", Bio = "Curious." });
    }

    private JsonPatchUserCommandHandler Handler() => new(
        new UserProfileEditor(_users, _uniqueness, ReservedUsernames.Default, TestDoubles.Clock(), _mediaUrls,
            Substitute.For<IImageProcessor>(), Substitute.For<IMediaStorage>(), _unitOfWork),
        [new PatchUserCommandValidator(ReservedUsernames.Default, _uniqueness, TestDoubles.Clock(), _users, _mediaUrls)],
        _unitOfWork,
        TestDoubles.Mapper(_mediaUrls));

    private Task<Application.Users.UserDto> Patch(string operations) =>
        Handler().Handle(new JsonPatchUserCommand(TestDoubles.AliceId, Document(operations)), CancellationToken.None);

    private static JsonPatchDocument<PatchableProfile> Document(string json) =>
        JsonSerializer.Deserialize<JsonPatchDocument<PatchableProfile>>(json)!;

    [Fact]
    public async Task Replace_copy_and_remove_apply_to_the_fields_they_name()
    {
        var user = await Patch("""
            [{"op":"replace","path":"/bio","value":"New bio"},
             {"op":"copy","from":"/real_name","path":"/location"},
             {"op":"remove","path":"/real_name"}]
            """);

        Assert.Equal("New bio", _alice.Bio);
        Assert.Equal("Alice Liddell", _alice.Location);
        Assert.Equal("", _alice.RealName);
        Assert.Equal("New bio", user.Bio);
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failed_test_is_a_409_test_failed_and_nothing_is_applied()
    {
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => Patch("""
            [{"op":"replace","path":"/bio","value":"changed"},{"op":"test","path":"/username","value":"bob"}]
            """));

        Assert.Equal("test_failed", conflict.Code);
        Assert.Equal("Curious.", _alice.Bio);
        await _unitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
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
        Assert.Equal("Curious.", _alice.Bio);
        await _unitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
    }

    [Fact]
    public async Task A_valid_patch_that_makes_an_invalid_profile_fails_validation_on_the_field()
    {
        var failure = await Assert.ThrowsAsync<ValidationException>(() => Patch("""
            [{"op":"replace","path":"/username","value":"a b"}]
            """));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(UserFields.Username, error.PropertyName);
        Assert.Equal("invalid", error.ErrorCode);
        Assert.Equal("alice", _alice.Username.Value);
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_failed_precondition()
    {
        var command = new JsonPatchUserCommand(TestDoubles.AliceId, Document("""[{"op":"replace","path":"/bio","value":"x"}]"""))
        {
            ExpectedVersions = [_alice.Version + 1],
        };

        await Assert.ThrowsAsync<PreconditionFailedException>(() => Handler().Handle(command, CancellationToken.None));
        Assert.Equal("Curious.", _alice.Bio);
    }
}

using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// <see cref="UserUpdated"/> travels through the outbox like the image events (docs/outbox.md): one row per committed
/// change, under the event's type name, read back as written; delivered even while no handler of this process takes it.
/// </summary>
public sealed class UserUpdatedOutboxTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_patch_writes_one_user_updated_row_that_is_delivered_without_a_handler()
    {
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        var renamed = UserBuilder.UniqueName("renamed");
        var before = await app.ReadUserAsync(id);

        using var response = await client.PatchJsonAsync(id, new { username = renamed, bio = "Maps and bikes", location = "" });

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await RowsForAsync(id));
        Assert.Equal(typeof(UserUpdated).FullName, row.Row.Type);
        Assert.Equal([new FieldChange("username", before.Username, renamed), new FieldChange("bio", "", "Maps and bikes")], row.Event.Changes);
        await Eventually.TrueAsync(async () => (await RowsForAsync(id)).Single().Row.ProcessedAt is not null, "the row is delivered");
        var delivered = (await RowsForAsync(id)).Single().Row;
        Assert.Null(delivered.LastError);
        Assert.Equal(1, delivered.Attempts);
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_writes_no_row()
    {
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        using var client = app.ClientFor(id);
        var before = await app.ReadUserAsync(id);

        using var response = await client.PatchJsonAsync(id, new { username = before.Username, bio = UserBuilder.Full.Bio });

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await RowsForAsync(id));
    }

    private async Task<List<(OutboxMessage Row, UserUpdated Event)>> RowsForAsync(long id) =>
        (await app.OutboxAsync())
        .Where(row => row.Type == typeof(UserUpdated).FullName)
        .Select(row => (Row: row, Event: (UserUpdated)OutboxEventTypes.Deserialize(row.Type, row.Payload)))
        .Where(pair => pair.Event.UserId == id)
        .ToList();
}

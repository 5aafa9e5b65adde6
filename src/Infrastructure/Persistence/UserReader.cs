using System.Data.Common;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Users;
using CleanUser.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// Reads a user straight into what clients see: one statement (the user joined to its tags, a row per tag) over the
/// context's connection, read column by column, with no query pipeline, change tracker or aggregate in between
/// (docs/adr/0025-read-model.md). Table and column names come from the EF model, so the mapping in
/// Configurations/ stays their only declaration; the statement is built from it once.
/// </summary>
/// <remarks>
/// The values are as stored, which is already the wire form: the username's spelling, the gender's name, a point's
/// text and a date are stored as <see cref="UserDto"/> shows them (Configurations/UserConfiguration.cs). Only image
/// keys become URLs, and timestamps UTC. <c>UserResponseTests</c> holds a read to the same body as a command's answer.
/// </remarks>
public sealed class UserReader(CleanUserDbContext db, IMediaUrls mediaUrls) : IUserReader
{
    /// <summary>The user's columns, in the order <see cref="ReadUser"/> reads them.</summary>
    private static readonly string[] UserColumns =
    [
        nameof(User.Id), nameof(User.Username), nameof(User.RealName), nameof(User.Avatar), nameof(User.ExtId),
        nameof(UserStatistics.FollowingsCounter), nameof(UserStatistics.FollowersCounter), nameof(UserStatistics.PostsCounter),
        nameof(UserStatistics.DiscussionsCounter), nameof(UserStatistics.PollsCounter), nameof(UserStatistics.CategoriesCounter),
        nameof(User.DateJoined), nameof(User.Bio), nameof(User.Location), nameof(User.LocationLatLng), nameof(User.PositionLatLng),
        nameof(User.DateOfBirth), nameof(User.Description), nameof(User.Gender), nameof(User.Website), nameof(User.Cover),
        nameof(UserStatistics.Reputation), nameof(User.CommunityBadge), nameof(User.RegApproved), nameof(User.IsDeleted),
        nameof(User.CompanyName), nameof(User.CompanyRole), nameof(User.Version),
    ];

    /// <summary>The tag's columns, in the order <see cref="ReadTag"/> reads them, after the user's.</summary>
    private static readonly string[] TagColumns =
    [
        nameof(Tag.Id), nameof(Tag.Active), nameof(Tag.Name), nameof(Tag.Type), nameof(Tag.Description), nameof(Tag.Color),
        nameof(Tag.Visible), nameof(Tag.VisibilityBoost), nameof(Tag.CreatedAt), nameof(Tag.Deleted),
    ];

    private static string? _statement;

    public async Task<UserDto?> ReadAsync(long id, CancellationToken cancellationToken)
    {
        var statement = _statement ??= Statement(db.Model, db.GetService<ISqlGenerationHelper>());
        var database = db.Database;
        await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = database.GetDbConnection().CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = statement;
                command.Transaction = database.CurrentTransaction?.GetDbTransaction();
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@id";
                parameter.Value = id;
                command.Parameters.Add(parameter);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }

                    var user = ReadUser(reader);
                    var tags = new List<TagDto>();
                    do
                    {
                        if (!reader.IsDBNull(UserColumns.Length))
                        {
                            tags.Add(ReadTag(reader, UserColumns.Length));
                        }
                    }
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false));

                    return user with { Tags = tags };
                }
            }
        }
        finally
        {
            await database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private UserDto ReadUser(DbDataReader row) => new()
    {
        Id = row.GetInt64(0),
        Username = row.GetString(1),
        RealName = row.GetString(2),
        Avatar = mediaUrls.ToPublicUrl(Text(row, 3)),
        ExtId = Text(row, 4),
        FollowingsCounter = row.GetInt32(5),
        FollowersCounter = row.GetInt32(6),
        PostsCounter = row.GetInt32(7),
        DiscussionsCounter = row.GetInt32(8),
        PollsCounter = row.GetInt32(9),
        CategoriesCounter = row.GetInt32(10),
        DateJoined = row.GetFieldValue<DateTimeOffset>(11).UtcDateTime,
        Bio = row.GetString(12),
        Location = row.GetString(13),
        LocationLatLng = Text(row, 14),
        PositionLatLng = Text(row, 15),
        DateOfBirth = row.IsDBNull(16) ? null : row.GetFieldValue<DateOnly>(16),
        Description = row.GetString(17),
        Gender = row.GetString(18),
        Website = row.GetString(19),
        Cover = mediaUrls.ToPublicUrl(Text(row, 20)),
        Reputation = row.GetInt32(21),
        CommunityBadge = row.GetBoolean(22),
        RegApproved = row.GetBoolean(23),
        Deleted = row.GetBoolean(24),
        CompanyName = row.GetString(25),
        CompanyRole = row.GetString(26),
        Version = row.GetInt64(27),
    };

    private static TagDto ReadTag(DbDataReader row, int first) => new()
    {
        Id = row.GetInt64(first),
        Active = row.GetBoolean(first + 1),
        Name = row.GetString(first + 2),
        Type = row.GetString(first + 3),
        Description = row.GetString(first + 4),
        Color = row.GetString(first + 5),
        Visible = row.GetBoolean(first + 6),
        VisibilityBoost = row.GetBoolean(first + 7),
        CreatedAt = row.GetFieldValue<DateTimeOffset>(first + 8).UtcDateTime,
        Deleted = row.GetBoolean(first + 9),
    };

    private static string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    /// <summary>
    /// <c>SELECT u.…, t.… FROM Users u LEFT JOIN UserTags ON … LEFT JOIN Tags t ON … WHERE u.Id = @id ORDER BY t.Id</c>,
    /// every name from the model: a user with no tag is one row whose tag columns are null.
    /// </summary>
    private static string Statement(IModel model, ISqlGenerationHelper sql)
    {
        var user = model.FindEntityType(typeof(User))!;
        var tag = model.FindEntityType(typeof(Tag))!;
        var statistics = user.FindComplexProperty(nameof(User.Statistics))!.ComplexType;
        var link = user.FindSkipNavigation(nameof(User.Tags))!;
        var toTag = link.JoinEntityType.GetForeignKeys().Single(fk => fk.PrincipalEntityType == tag);

        string Column(string alias, IReadOnlyProperty property) => $"{alias}.{sql.DelimitIdentifier(property.GetColumnName())}";
        var columns = UserColumns.Select(name => Column("u", user.FindProperty(name) ?? statistics.FindProperty(name)!))
            .Concat(TagColumns.Select(name => Column("t", tag.FindProperty(name)!)));
        return $"""
            SELECT {string.Join(", ", columns)}
            FROM {sql.DelimitIdentifier(user.GetTableName()!)} AS u
            LEFT JOIN {sql.DelimitIdentifier(link.JoinEntityType.GetTableName()!)} AS l ON {Column("l", link.ForeignKey.Properties.Single())} = u.{sql.DelimitIdentifier(user.FindPrimaryKey()!.Properties.Single().GetColumnName())}
            LEFT JOIN {sql.DelimitIdentifier(tag.GetTableName()!)} AS t ON t.{sql.DelimitIdentifier(tag.FindPrimaryKey()!.Properties.Single().GetColumnName())} = {Column("l", toTag.Properties.Single())}
            WHERE u.{sql.DelimitIdentifier(user.FindPrimaryKey()!.Properties.Single().GetColumnName())} = @id
            ORDER BY {Column("t", tag.FindPrimaryKey()!.Properties.Single())}
            """;
    }
}

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
/// Reads a user straight into what clients see: one statement (the user joined to its tags, a row per tag), run by the
/// database provider (<see cref="Providers.IDatabaseProvider.ReadAsync"/>) and read column by column, with no query
/// pipeline, change tracker or aggregate in between (docs/adr/0025-read-model.md). Table and column names come from the
/// EF model, so the mapping in Configurations/ stays their only declaration; the statement is built from it once, and
/// is the same text on SQLite and PostgreSQL (both delimit names with double quotes).
/// </summary>
/// <remarks>
/// The values are as stored, which is already the wire form: the username's spelling, the gender's name, a point's
/// text and a date are stored as <see cref="UserDto"/> shows them (Configurations/UserConfiguration.cs). Only image
/// keys become URLs, and timestamps UTC. <c>UserResponseTests</c> holds a read to the same body as a command's answer.
/// </remarks>
public sealed class UserReader(CleanUserDbContext db, Providers.IDatabaseProvider provider, IMediaUrls mediaUrls) : IUserReader
{
    /// <summary>The user's columns, in the order <see cref="ReadUser"/> reads them (a new one: here and there, at the same place).</summary>
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
        return await provider.ReadAsync(db.Database, statement, id, ReadRowsAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user from the first row, a tag from each row that has one; <c>null</c> when there is no row.</summary>
    private async Task<UserDto?> ReadRowsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var tags = new List<TagDto>();
        var user = ReadUser(reader, tags);
        do
        {
            if (!reader.IsDBNull(UserColumns.Length))
            {
                tags.Add(ReadTag(reader));
            }
        }
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false));

        return user;
    }

    /// <summary>Reads the columns of <see cref="UserColumns"/>: one line per column, in the same order. The tags are filled in after.</summary>
    private UserDto ReadUser(DbDataReader row, List<TagDto> tags)
    {
        var column = 0;
        return new UserDto
        {
            Id = row.GetInt64(column++),
            Username = row.GetString(column++),
            RealName = row.GetString(column++),
            Avatar = mediaUrls.ToPublicUrl(Text(row, column++)),
            ExtId = Text(row, column++),
            FollowingsCounter = row.GetInt32(column++),
            FollowersCounter = row.GetInt32(column++),
            PostsCounter = row.GetInt32(column++),
            DiscussionsCounter = row.GetInt32(column++),
            PollsCounter = row.GetInt32(column++),
            CategoriesCounter = row.GetInt32(column++),
            DateJoined = row.GetFieldValue<DateTimeOffset>(column++).UtcDateTime,
            Bio = row.GetString(column++),
            Location = row.GetString(column++),
            LocationLatLng = Text(row, column++),
            PositionLatLng = Text(row, column++),
            DateOfBirth = Value<DateOnly>(row, column++),
            Description = row.GetString(column++),
            Gender = row.GetString(column++),
            Website = row.GetString(column++),
            Cover = mediaUrls.ToPublicUrl(Text(row, column++)),
            Reputation = row.GetInt32(column++),
            CommunityBadge = row.GetBoolean(column++),
            RegApproved = row.GetBoolean(column++),
            Deleted = row.GetBoolean(column++),
            CompanyName = row.GetString(column++),
            CompanyRole = row.GetString(column++),
            Version = row.GetInt64(column++),
            Tags = tags,
        };
    }

    /// <summary>Reads the columns of <see cref="TagColumns"/>, which follow the user's: one line per column, in the same order.</summary>
    private static TagDto ReadTag(DbDataReader row)
    {
        var column = UserColumns.Length;
        return new TagDto
        {
            Id = row.GetInt64(column++),
            Active = row.GetBoolean(column++),
            Name = row.GetString(column++),
            Type = row.GetString(column++),
            Description = row.GetString(column++),
            Color = row.GetString(column++),
            Visible = row.GetBoolean(column++),
            VisibilityBoost = row.GetBoolean(column++),
            CreatedAt = row.GetFieldValue<DateTimeOffset>(column++).UtcDateTime,
            Deleted = row.GetBoolean(column++),
        };
    }

    private static T? Value<T>(DbDataReader row, int ordinal)
        where T : struct => row.IsDBNull(ordinal) ? null : row.GetFieldValue<T>(ordinal);

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

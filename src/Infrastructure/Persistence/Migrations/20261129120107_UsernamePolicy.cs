using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanUser.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class UsernamePolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "UsernameChangedAt",
                table: "Users",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "UsernameMayLookAlike",
                table: "Users",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "UsernameSkeleton",
                table: "Users",
                type: "TEXT",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            // Data: every user's skeleton, then (with the lookup index in place) the later users of a shared look are kept
            // as allowed to share it, before the unique index that holds everyone else to a look of their own.
            migrationBuilder.Sql(UsernamePolicyBackfill.FillSkeletons);

            migrationBuilder.CreateIndex(
                name: "IX_Users_UsernameSkeleton",
                table: "Users",
                column: "UsernameSkeleton");

            migrationBuilder.Sql(UsernamePolicyBackfill.KeepLookAlikes);

            migrationBuilder.CreateTable(
                name: "ReleasedUsernames",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NormalizedUsername = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    UsernameSkeleton = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    FormerHolderId = table.Column<long>(type: "INTEGER", nullable: false),
                    HeldUntil = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReleasedUsernames", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReleasedUsernames_Users_FormerHolderId",
                        column: x => x.FormerHolderId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Users_UsernameSkeleton_Unique",
                table: "Users",
                column: "UsernameSkeleton",
                unique: true,
                filter: "NOT \"UsernameMayLookAlike\"");

            migrationBuilder.CreateIndex(
                name: "IX_ReleasedUsernames_FormerHolderId",
                table: "ReleasedUsernames",
                column: "FormerHolderId");

            migrationBuilder.CreateIndex(
                name: "IX_ReleasedUsernames_NormalizedUsername",
                table: "ReleasedUsernames",
                column: "NormalizedUsername");

            migrationBuilder.CreateIndex(
                name: "IX_ReleasedUsernames_UsernameSkeleton",
                table: "ReleasedUsernames",
                column: "UsernameSkeleton");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReleasedUsernames");

            migrationBuilder.DropIndex(
                name: "IX_Users_UsernameSkeleton",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_UsernameSkeleton_Unique",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "UsernameChangedAt",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "UsernameMayLookAlike",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "UsernameSkeleton",
                table: "Users");
        }
    }
}

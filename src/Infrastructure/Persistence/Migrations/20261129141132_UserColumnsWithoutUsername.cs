using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanUser.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class UserColumnsWithoutUsername : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_UsernameSkeleton_Unique",
                table: "Users");

            migrationBuilder.RenameColumn(
                name: "UsernameMayLookAlike",
                table: "Users",
                newName: "MayLookAlike");

            migrationBuilder.RenameColumn(
                name: "UsernameChangedAt",
                table: "Users",
                newName: "RenamedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Users_UsernameSkeleton_Unique",
                table: "Users",
                column: "UsernameSkeleton",
                unique: true,
                filter: "NOT \"MayLookAlike\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_UsernameSkeleton_Unique",
                table: "Users");

            migrationBuilder.RenameColumn(
                name: "RenamedAt",
                table: "Users",
                newName: "UsernameChangedAt");

            migrationBuilder.RenameColumn(
                name: "MayLookAlike",
                table: "Users",
                newName: "UsernameMayLookAlike");

            migrationBuilder.CreateIndex(
                name: "IX_Users_UsernameSkeleton_Unique",
                table: "Users",
                column: "UsernameSkeleton",
                unique: true,
                filter: "NOT \"UsernameMayLookAlike\"");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanUser.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ExpiryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_CreatedAt",
                table: "WebhookEvents",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReleasedUsernames_HeldUntil",
                table: "ReleasedUsernames",
                column: "HeldUntil");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Delivered",
                table: "OutboxMessages",
                column: "ProcessedAt",
                filter: "\"ProcessedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookEvents_CreatedAt",
                table: "WebhookEvents");

            migrationBuilder.DropIndex(
                name: "IX_ReleasedUsernames_HeldUntil",
                table: "ReleasedUsernames");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_Delivered",
                table: "OutboxMessages");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentFlow.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OrganizationPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AdminEmail",
                table: "organizations",
                type: "TEXT",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Settings",
                table: "organizations",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}"); // existing organisations read {} as the default settings

            migrationBuilder.UpdateData(
                table: "organizations",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000001"),
                columns: new[] { "AdminEmail", "Settings" },
                values: new object[] { null, "{\"defaultModel\":\"anthropic/claude-sonnet-4-20250514\",\"defaultPermissionProfile\":\"Customer Support Agent\",\"requireApprovalForDeploy\":false,\"auditRetentionDays\":365,\"dataRegion\":\"us-east-1\",\"allowedDomains\":[]}" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AdminEmail",
                table: "organizations");

            migrationBuilder.DropColumn(
                name: "Settings",
                table: "organizations");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentFlow.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EngineAgents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Config",
                table: "agents",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<int>(
                name: "ConfigVersion",
                table: "agents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<long>(
                name: "CostBudgetMonthlyMicroUsd",
                table: "agents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "DisplayName",
                table: "agents",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PermissionProfileId",
                table: "agents",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "agents",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "draft");

            migrationBuilder.AddColumn<long>(
                name: "TokenBudgetMonthly",
                table: "agents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_agents_OrgId_State",
                table: "agents",
                columns: new[] { "OrgId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_agents_OrgId_State",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "Config",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "ConfigVersion",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "CostBudgetMonthlyMicroUsd",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "DisplayName",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "PermissionProfileId",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "State",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "TokenBudgetMonthly",
                table: "agents");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentFlow.Engine.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AgentApiKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AgentId",
                table: "api_keys",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_AgentId",
                table: "api_keys",
                column: "AgentId");

            migrationBuilder.AddForeignKey(
                name: "FK_api_keys_agents_AgentId",
                table: "api_keys",
                column: "AgentId",
                principalTable: "agents",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_api_keys_agents_AgentId",
                table: "api_keys");

            migrationBuilder.DropIndex(
                name: "IX_api_keys_AgentId",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "AgentId",
                table: "api_keys");
        }
    }
}

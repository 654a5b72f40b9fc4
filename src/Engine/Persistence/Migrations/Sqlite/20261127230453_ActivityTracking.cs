using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentFlow.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ActivityTracking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "activity_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrgId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activity_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_activity_events_organizations_OrgId",
                        column: x => x.OrgId,
                        principalTable: "organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrgId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Content = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TokenCount = table.Column<int>(type: "INTEGER", nullable: true),
                    CostMicroUsd = table.Column<long>(type: "INTEGER", nullable: true),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_conversations_organizations_OrgId",
                        column: x => x.OrgId,
                        principalTable: "organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tool_calls",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrgId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ToolId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ToolName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Parameters = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Success = table.Column<bool>(type: "INTEGER", nullable: true),
                    Output = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DurationMs = table.Column<long>(type: "INTEGER", nullable: true),
                    InputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    OutputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    CostMicroUsd = table.Column<long>(type: "INTEGER", nullable: true),
                    PermissionAllowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    PermissionReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RequiredApproval = table.Column<bool>(type: "INTEGER", nullable: false),
                    ApprovalId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tool_calls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_tool_calls_organizations_OrgId",
                        column: x => x.OrgId,
                        principalTable: "organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_activity_events_OrgId_AgentId_Id",
                table: "activity_events",
                columns: new[] { "OrgId", "AgentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_activity_events_OrgId_AgentId_Timestamp",
                table: "activity_events",
                columns: new[] { "OrgId", "AgentId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_activity_events_OrgId_Id",
                table: "activity_events",
                columns: new[] { "OrgId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_activity_events_OrgId_Timestamp",
                table: "activity_events",
                columns: new[] { "OrgId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_activity_events_OrgId_Type",
                table: "activity_events",
                columns: new[] { "OrgId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_conversations_OrgId_AgentId_Timestamp",
                table: "conversations",
                columns: new[] { "OrgId", "AgentId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_conversations_OrgId_SessionId_Timestamp",
                table: "conversations",
                columns: new[] { "OrgId", "SessionId", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_tool_calls_OrgId_AgentId_StartedAt",
                table: "tool_calls",
                columns: new[] { "OrgId", "AgentId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_tool_calls_OrgId_StartedAt",
                table: "tool_calls",
                columns: new[] { "OrgId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_tool_calls_OrgId_ToolId",
                table: "tool_calls",
                columns: new[] { "OrgId", "ToolId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "activity_events");

            migrationBuilder.DropTable(
                name: "conversations");

            migrationBuilder.DropTable(
                name: "tool_calls");
        }
    }
}

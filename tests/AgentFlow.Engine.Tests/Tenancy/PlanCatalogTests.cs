using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Tests.Tenancy;

public sealed class PlanCatalogTests
{
    private static readonly string[] TeamFeatures = ["knowledge-base", "api-access", "webhooks", "approval-workflows", "sso", "audit-export", "custom-skills"];

    [Theory]
    [InlineData("free", 3, 5, 1, 10, 100, 1_000_000, 30)]
    [InlineData("team", 25, 50, 10, 100, 5_000, 10_000_000, 120)]
    [InlineData("enterprise", 999_999, 999_999, 999, 10_000, 100_000, 0, 600)]
    [InlineData("self-hosted", 999_999, 999_999, 999, 10_000, 999_999, 0, 999)]
    public void Get_EachPlan_HasTheReferenceLimits(string name, long agents, long users, long knowledgeBases, long documents, long storageMb, long tokens, int apiCalls)
    {
        var limits = PlanCatalog.Get(name).Limits;

        Assert.Equal(new PlanQuota(agents, users, knowledgeBases, documents, storageMb, tokens, apiCalls), limits);
    }

    [Theory]
    [InlineData("free", "docker,local")]
    [InlineData("team", "docker,vps,fly,railway,local")]
    [InlineData("enterprise", "docker,vps,fly,railway,aws,gcp,azure,local")]
    [InlineData("self-hosted", "docker,vps,fly,railway,aws,gcp,azure,local")]
    public void Get_EachPlan_HasTheReferenceDeploymentTargets(string name, string targets)
    {
        Assert.Equal(targets.Split(','), PlanCatalog.Get(name).DeploymentTargets);
    }

    [Fact]
    public void Features_AreTheFourteenDistinctGates()
    {
        Assert.Equal(14, OrgFeatures.All.Count);
        Assert.Equal(14, OrgFeatures.All.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Features_PerPlan_FollowTheReference()
    {
        Assert.Equal([OrgFeatures.KnowledgeBase], PlanCatalog.Free.Features);
        Assert.Equal(
            TeamFeatures.Order(),
            PlanCatalog.Team.Features.Order());
        Assert.Equal(OrgFeatures.All, PlanCatalog.Enterprise.Features);
        Assert.Equal(OrgFeatures.All.Except(["priority-support", "sla"]).Order(), PlanCatalog.SelfHosted.Features.Order());
    }

    [Theory]
    [InlineData("free", 30)]
    [InlineData("team", 90)]
    [InlineData("enterprise", 365)]
    [InlineData("self-hosted", 365)]
    public void OrganizationSettings_ForPlan_TakesThePlansAuditRetention(string name, int days)
    {
        var settings = OrganizationSettings.For(PlanCatalog.Get(name));

        Assert.Equal(days, settings.AuditRetentionDays);
        Assert.True(settings.RequireApprovalForDeploy);
        Assert.Equal("anthropic/claude-sonnet-4-20250514", settings.DefaultModel);
    }

    [Fact]
    public void OrganizationSettings_EmptyDocument_ReadsAsDefaults()
    {
        Assert.Equal(new OrganizationSettings().ToJson(), OrganizationSettings.Parse("{}").ToJson());
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("Free")]
    [InlineData("")]
    [InlineData(null)]
    public void Get_UnknownPlan_ThrowsValidationErrorOnPlan(string? name)
    {
        var exception = Assert.Throws<InputValidationException>(() => PlanCatalog.Get(name));

        Assert.Contains("plan", exception.Errors.Keys);
    }

    [Fact]
    public void ForStored_UnknownName_FallsBackToTheSmallestPlan()
    {
        Assert.Same(PlanCatalog.Free, PlanCatalog.ForStored("retired-plan"));
    }

    [Theory]
    [InlineData(3, 0, true, 3)]
    [InlineData(3, 2, true, 1)]
    [InlineData(3, 3, false, 0)]
    [InlineData(3, 7, false, 0)]
    [InlineData(0, 5_000_000, true, 0)]
    public void LimitCheck_Of_AllowsBelowTheLimitAndZeroIsUnlimited(long limit, long current, bool allowed, long remaining)
    {
        var check = LimitCheck.Of("maxAgents", limit, current);

        Assert.Equal(allowed, check.Allowed);
        Assert.Equal(remaining, check.Remaining);
        Assert.Equal(current, check.Current);
    }

    [Theory]
    [InlineData(PlanResources.MaxKnowledgeBases, 0, 1)]
    [InlineData(PlanResources.MaxDocumentsPerKnowledgeBase, 9, 1)]
    [InlineData(PlanResources.MaxStorageMb, 95, 5)]
    [InlineData(PlanResources.TokenBudgetMonthly, 999_000, 1_000)]
    public void EnsureWithinLimit_FreePlanUpToTheLimit_Passes(string resource, long current, long adding)
    {
        UsageService.EnsureWithinLimit(PlanCatalog.Free, resource, current, adding);
    }

    [Theory]
    [InlineData(PlanResources.MaxKnowledgeBases, 1, 1, 1)]
    [InlineData(PlanResources.MaxDocumentsPerKnowledgeBase, 10, 1, 10)]
    [InlineData(PlanResources.MaxStorageMb, 95, 10, 100)]
    [InlineData(PlanResources.TokenBudgetMonthly, 999_999, 2, 1_000_000)]
    public void EnsureWithinLimit_FreePlanBeyondTheLimit_ThrowsPlanLimitWithDetails(string resource, long current, long adding, long limit)
    {
        var exception = Assert.Throws<PlanLimitExceededException>(() => UsageService.EnsureWithinLimit(PlanCatalog.Free, resource, current, adding));

        Assert.Equal("PLAN_LIMIT", exception.Code);
        Assert.Equal(resource, exception.Details["resource"]);
        Assert.Equal(limit, exception.Details["limit"]);
        Assert.Equal(current, exception.Details["current"]);
        Assert.Equal("free", exception.Details["plan"]);
    }

    [Fact]
    public void EnsureWithinLimit_UnlimitedTokenBudget_NeverThrows()
    {
        UsageService.EnsureWithinLimit(PlanCatalog.Enterprise, PlanResources.TokenBudgetMonthly, long.MaxValue / 2, 1_000_000);
    }

    [Theory]
    [InlineData("free", "docker", true)]
    [InlineData("free", "vps", false)]
    [InlineData("team", "railway", true)]
    [InlineData("team", "aws", false)]
    [InlineData("enterprise", "azure", true)]
    [InlineData("self-hosted", "gcp", true)]
    public void EnsureCanDeployTo_PlanAndTarget_FollowsThePlan(string plan, string target, bool allowed)
    {
        var exception = Record.Exception(() => UsageService.EnsureCanDeployTo(PlanCatalog.Get(plan), target));

        if (allowed)
        {
            Assert.Null(exception);
        }
        else
        {
            var limit = Assert.IsType<PlanLimitExceededException>(exception);
            Assert.Equal("deploymentTargets", limit.Details["resource"]);
            Assert.Equal(target, limit.Details["target"]);
            Assert.Equal(plan, limit.Details["plan"]);
        }
    }

    [Fact]
    public void EnsureFeature_MissingFeature_ThrowsPlanLimitNamingIt()
    {
        UsageService.EnsureFeature(PlanCatalog.Team, OrgFeatures.Sso);

        var exception = Assert.Throws<PlanLimitExceededException>(() => UsageService.EnsureFeature(PlanCatalog.Team, OrgFeatures.WhiteLabel));

        Assert.Equal("white-label", exception.Details["feature"]);
    }
}

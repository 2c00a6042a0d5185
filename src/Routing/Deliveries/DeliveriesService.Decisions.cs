using EfaPlatform.Contracts.Routing.V1;
using EfaPlatform.Routing.Decisions;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Routing.Deliveries;

public sealed partial class DeliveriesService
{
    public const int MaxDecisionDocuments = 20;
    public const int MaxDecisionMessage = 20_000;

    /// <summary>The authority decides: its caseworkers and tenant-admins (inbox), and its machine clients (specialist systems).</summary>
    [Authorize(Policy = Recipients)]
    public override async Task<Decision> DecideSubmission(DecideSubmissionRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var delivery = Guid.TryParse(request.SubmissionId, out var submissionId) ? await store.ForSubmissionAsync(submissionId, context.CancellationToken) : null;
        if (delivery is null || !user.IsMemberOf(delivery.TenantId.ToString()))
        {
            throw FieldErrors.NotFound("The submission");
        }

        var errors = new FieldErrors();
        if (request.Outcome is not ("approved" or "rejected"))
        {
            errors.Add("outcome", "must be approved or rejected");
        }

        errors.Require("message", request.Message, MaxDecisionMessage);
        if (request.DocumentIds.Count > MaxDecisionDocuments)
        {
            errors.Add("document_ids", $"must name at most {MaxDecisionDocuments} documents");
        }

        for (var i = 0; i < request.DocumentIds.Count; i++)
        {
            if (!Guid.TryParse(request.DocumentIds[i], out _))
            {
                errors.Add($"document_ids[{i}]", "must be a document id");
            }
        }

        errors.ThrowIfAny();
        return await decisions.DecideAsync(delivery, new DecisionMaker.Request(
            request.Outcome, request.Message.Trim(), [.. request.DocumentIds], user.SubjectId() ?? "unknown",
            context.RequestHeaders.GetValue("authorization") ?? ""), context.CancellationToken);
    }
}

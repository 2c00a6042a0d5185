using System.Globalization;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Retention;

/// <summary>A municipality's retention period for the documents of its decided submissions, and a citizen's erasure request.</summary>
public sealed class RetentionService(RetentionStore store, IOptions<DocumentsOptions> options, TimeProvider clock)
    : Contracts.Documents.V1.RetentionService.RetentionServiceBase
{
    public const string MailboxNote =
        "Messages in your mailbox and the documents they carry are the municipality's record of what it sent you and when you read it; " +
        "they are kept for its retention period.";

    private int DefaultDays => (int)Math.Ceiling(options.Value.AttachedRetention.TotalDays);

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<RetentionPolicy> GetRetentionPolicy(GetRetentionPolicyRequest request, ServerCallContext context)
    {
        var tenantId = Tenant(request.TenantId, context);
        var days = await store.RetentionDaysAsync(tenantId, context.CancellationToken);
        return new RetentionPolicy { TenantId = tenantId.ToString(), RetentionDays = days ?? DefaultDays, IsDefault = days is null };
    }

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<RetentionPolicy> SetRetentionPolicy(RetentionPolicy request, ServerCallContext context)
    {
        var tenantId = Tenant(request.TenantId, context);
        if (request.RetentionDays is < 1 or > 36500)
        {
            new FieldErrors().Add("retention_days", "must be 1 to 36500 days").ThrowIfAny();
        }

        await store.SetRetentionDaysAsync(tenantId, request.RetentionDays, context.GetHttpContext().User.SubjectId()!, clock.GetUtcNow(), context.CancellationToken);
        return new RetentionPolicy { TenantId = tenantId.ToString(), RetentionDays = request.RetentionDays, IsDefault = false };
    }

    /// <summary>Deletes what nothing keeps and explains the rest, one reason per kept document.</summary>
    public static async Task<EraseMyDocumentsResponse> EraseAsync(
        RetentionStore store, string owner, int defaultDays, TimeSpan holdPeriod, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var response = new EraseMyDocumentsResponse { DeletedCount = await store.EraseAsync(owner, now, cancellationToken), MailboxNote = MailboxNote };
        foreach (var document in (await store.KeptAsync(owner, cancellationToken)).GroupBy(k => k.DocumentId))
        {
            var reasons = document.Select(k => k.SubmissionId is not { } submission
                ? $"held for a submission that is being stored; ask again in {holdPeriod.TotalHours.ToString("0", CultureInfo.InvariantCulture)} hours"
                : k.ClosedAt is { } closed
                    ? $"attached to submission {submission}, closed on {closed:yyyy-MM-dd}; kept until {closed.AddDays(k.RetentionDays ?? defaultDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (the municipality's retention period)"
                    : $"attached to submission {submission}, which is still being processed; kept until {(k.RetentionDays ?? defaultDays).ToString(CultureInfo.InvariantCulture)} days after it is decided");
            response.Kept.Add(new KeptDocument { DocumentId = document.Key.ToString(), Reason = string.Join("; ", reasons) });
        }

        return response;
    }

    private static Guid Tenant(string tenantId, ServerCallContext context) => context.TenantTheCallerActsFor(tenantId, "This is another municipality's policy.");
}

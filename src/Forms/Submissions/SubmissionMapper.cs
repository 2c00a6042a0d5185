using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Definitions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Forms.Submissions;

public static class SubmissionMapper
{
    public static Submission ToProto(this StoredSubmission stored, OnlineServiceDefinition definition, string language)
    {
        var submission = new Submission
        {
            SubmissionId = stored.Id.ToString(),
            Reference = stored.Reference,
            TenantId = stored.TenantId.ToString(),
            CitizenId = stored.CitizenId,
            ServiceId = stored.ServiceId,
            ServiceVersion = stored.ServiceVersion,
            Title = definition.Title.In(language),
            Status = stored.Status,
            FeeAmountCents = stored.FeeAmountCents,
            SubmittedAt = Timestamp.FromDateTimeOffset(stored.SubmittedAt),
            Language = stored.Language,
        };
        if (stored.AnswersJson is { } answers)
        {
            submission.Answers = JsonParser.Default.Parse<Struct>(answers);
        }

        submission.Attachments.AddRange((stored.Attachments ?? []).Select(a => new Contracts.Forms.V1.AttachmentReference { FieldPath = a.FieldPath, DocumentId = a.DocumentId.ToString() }));
        submission.History.AddRange((stored.History ?? []).Select(h => new StatusChange { Status = h.Status, ChangedAt = Timestamp.FromDateTimeOffset(h.ChangedAt), Reason = h.Reason }));
        return submission;
    }
}

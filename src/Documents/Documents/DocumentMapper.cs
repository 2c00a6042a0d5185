using System.Globalization;
using EfaPlatform.Contracts.Documents.V1;

namespace EfaPlatform.Documents.Documents;

public static class DocumentMapper
{
    public static Document ToProto(this StoredDocument stored) => new()
    {
        DocumentId = stored.Id.ToString(),
        FileName = stored.FileName,
        MediaType = stored.MediaType,
        SizeBytes = stored.SizeBytes,
        Sha256 = stored.Sha256,
        Status = stored.Status,
        CreatedAt = stored.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ScannedAt = stored.ScannedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
        Threat = stored.Threat ?? "",
    };
}

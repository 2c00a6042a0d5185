using EfaPlatform.ServiceDefaults.OpenApi;

namespace EfaPlatform.Documents.Uploads;

/// <summary>How the OpenAPI document describes the file endpoints, which are plain HTTP rather than transcoded gRPC.</summary>
public static class FileOperations
{
    private static readonly HttpParameter TusResumable = new("Tus-Resumable", "header", "The tus version: 1.0.0.", Required: true);
    private static readonly HttpAnswer TusState = new(204, "Done; Upload-Offset, Upload-Length and Upload-Expires tell the upload's state.");

    public static readonly HttpOperation Upload = new("Upload a file",
        "Streams the file to disk, detects its media type from its content, hashes and scans it. The body is the file, or a " +
        "multipart/form-data form whose one file part is the file.")
    {
        Parameters = [new("fileName", "query", "The file's name (a form's part gives it otherwise); kept cleaned, as metadata only.")],
        BodyMediaTypes = ["application/octet-stream", "multipart/form-data"],
        Answers = [new(201, "The stored document; Location names it.", "application/json")],
    };

    public static readonly HttpOperation Download = new("Download a document's content",
        "Streams the content with a strong ETag (its SHA-256), Range requests (206, 416), If-None-Match (304) and an " +
        "RFC 6266 Content-Disposition. A document not yet scanned, or infected, is 409.")
    {
        Parameters = [new("Range", "header", "bytes=first-last"), new("If-None-Match", "header", "An ETag from an earlier download.")],
        Answers = [new(200, "The content.", "application/octet-stream"), new(206, "The requested range.", "application/octet-stream"), new(304, "Unchanged.")],
    };

    public static readonly HttpOperation TusOptions = new("Tell the tus capabilities",
        "tus 1.0: Tus-Version, Tus-Extension (creation, expiration, termination) and Tus-Max-Size.")
    {
        Answers = [new(204, "The capabilities, in headers.")],
    };

    public static readonly HttpOperation TusCreate = new("Start a resumable upload", "tus creation: the file's size and name, nothing of its content yet.")
    {
        Parameters =
        [
            TusResumable, new("Upload-Length", "header", "The file's size in bytes.", Required: true),
            new("Upload-Metadata", "header", "Comma-separated \"key base64value\" pairs; filename names the file.", Required: true),
        ],
        Answers = [new(201, "Created; Location names the upload, Upload-Offset is 0.")],
    };

    public static readonly HttpOperation TusHead = new("Ask where a resumable upload stands", "The offset to continue from after an interruption.")
    {
        Parameters = [TusResumable],
        Answers = [new(200, "Upload-Offset, Upload-Length, Upload-Expires, and Efa-Document-Location once complete.")],
    };

    public static readonly HttpOperation TusAppend = new("Append to a resumable upload",
        "Appends the body at Upload-Offset (409 when it is not the server's offset); what arrives before a break is kept. " +
        "The request that reaches the length completes the upload into a document, named by Efa-Document-Location.")
    {
        Parameters = [TusResumable, new("Upload-Offset", "header", "Where this request's bytes start.", Required: true)],
        BodyMediaTypes = ["application/offset+octet-stream"],
        Answers = [TusState],
    };

    public static readonly HttpOperation TusTerminate = new("Delete a resumable upload", "tus termination: the bytes received are deleted.")
    {
        Parameters = [TusResumable],
        Answers = [new(204, "Deleted.")],
    };
}

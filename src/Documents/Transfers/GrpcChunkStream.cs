using EfaPlatform.Documents.Storage;
using EfaPlatform.Contracts.Documents.V1;
using Grpc.Core;

namespace EfaPlatform.Documents.Transfers;

/// <summary>The chunks of an upload stream (after its metadata message) read as one stream of bytes, one chunk in memory at a time.</summary>
public sealed class GrpcChunkStream(IAsyncStreamReader<UploadDocumentRequest> requests) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _chunk;
    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_chunk.IsEmpty && !_ended)
        {
            if (!await requests.MoveNext(cancellationToken))
            {
                _ended = true;
            }
            else if (requests.Current.PartCase != UploadDocumentRequest.PartOneofCase.Chunk)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Only the first message of an upload names the file; every later one carries a chunk."));
            }
            else
            {
                _chunk = requests.Current.Chunk.Memory;
            }
        }

        var n = Math.Min(buffer.Length, _chunk.Length);
        _chunk[..n].CopyTo(buffer);
        _chunk = _chunk[n..];
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");
}

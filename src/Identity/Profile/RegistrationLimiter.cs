using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity.Profile;

/// <summary>
/// Registrations naming one e-mail address (Identity:RateLimits:RegistrationsPerAccount per window), counted in the RPC,
/// where the address is known for REST and gRPC alike. Per client address they are limited before the RPC runs
/// (<see cref="IdentityRateLimits"/>). A refusal is RESOURCE_EXHAUSTED (REST: 429) with Retry-After.
/// </summary>
public sealed class RegistrationLimiter : IDisposable
{
    private readonly IdentityRateLimitOptions _limits;
    private readonly PartitionedRateLimiter<string> _limiter;

    public RegistrationLimiter(IOptions<IdentityServiceOptions> options)
    {
        var limits = _limits = options.Value.RateLimits;
        _limiter = PartitionedRateLimiter.Create<string, string>(email => RateLimitPartition.GetFixedWindowLimiter(email, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = limits.RegistrationsPerAccount, Window = limits.Window, QueueLimit = 0 }));
    }

    public void Acquire(ServerCallContext context, string email)
    {
        using var lease = _limiter.AttemptAcquire(email);
        if (lease.IsAcquired)
        {
            return;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : _limits.Window;
        context.GetHttpContext().Response.Headers.RetryAfter = IdentityRateLimits.RetryAfterSeconds(wait);
        throw new RpcException(new Status(StatusCode.ResourceExhausted,
            "Too many registrations for this e-mail address; retry after the time in Retry-After."));
    }

    public void Dispose() => _limiter.Dispose();
}

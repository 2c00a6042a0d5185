namespace EfaPlatform.PushReceiver;

/// <summary>Failures a test asks for: the next N deliveries answered with a status, delayed, or cut off.</summary>
public sealed class Faults
{
    private readonly Lock _lock = new();
    private FaultPlan _plan = new(0, 500, 0, 0, false);

    public sealed record FaultPlan(int FailNext, int Status, int DelayMs, int CloseNext, bool Down);

    public void Set(FaultPlan plan)
    {
        lock (_lock)
        {
            _plan = plan;
        }
    }

    /// <summary>What to do with the next delivery: fail with a status, close the connection, and how long to wait first.</summary>
    public (int? Status, bool Close, int DelayMs) Next()
    {
        lock (_lock)
        {
            if (_plan.Down)
            {
                return (503, false, 0);
            }

            if (_plan.CloseNext > 0)
            {
                _plan = _plan with { CloseNext = _plan.CloseNext - 1 };
                return (null, true, _plan.DelayMs);
            }

            if (_plan.FailNext > 0)
            {
                _plan = _plan with { FailNext = _plan.FailNext - 1 };
                return (_plan.Status, false, _plan.DelayMs);
            }

            return (null, false, _plan.DelayMs);
        }
    }
}

"""∂f/∂x transposed in the variational equation: J̇ = (∂f/∂x)ᵀ J (rows and columns of D confused)."""


def _variational_rhs(field):
    def rhs(state):
        F, D = (np.asarray(v) for v in field(state[0]))
        return (F, np.swapaxes(D, 1, 2) @ state[1], np.trace(D, axis1=1, axis2=2))

    return rhs

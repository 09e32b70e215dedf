//! proptest strategies for Value. (Placeholder.)

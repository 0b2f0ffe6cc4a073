//! Write: put rendered output in place so readers never see a half-written site.
